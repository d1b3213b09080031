"""Small instruments and exports for the process tests."""

import textwrap

import pytest

from evaluatie.process.instrument import load_instrument

MINI_INSTRUMENT = """
id: mini
title: Klein testinstrument
framework:
  name: Testkader
  citation: Eigen testkader, 2025.
scales:
  eens:
    type: likert
    labels: {1: helemaal oneens, 2: oneens, 3: neutraal, 4: eens, 5: helemaal eens}
  rijp:
    type: maturity
  janee:
    type: yesno
    labels: {0: nee, 1: ja}
  vorm:
    type: categorical
    options: {a: Optie A, b: Optie B}
  open:
    type: text
phases:
  - {number: 1, label: Start}
  - {number: 2, label: Verdiepen}
dimensions:
  - {id: samen, label: Samenwerking}
  - {id: volwassenheid, label: Volwassenheid}
  - {id: fase1, label: Mijlpalen start}
  - {id: fase2, label: Mijlpalen verdiepen}
  - {id: bestuur, label: Bestuursvorm}
  - {id: toelichting, label: Toelichting}
items:
  - {id: s1, dimension: samen, scale: eens, text: "Eerste stelling."}
  - {id: s2, dimension: samen, scale: eens, text: "Tweede stelling."}
  - {id: s3, dimension: samen, scale: eens, reverse: true, text: "Omgekeerde stelling."}
  - {id: v1, dimension: volwassenheid, scale: rijp, text: "Hoe volwassen?"}
  - {id: f1a, dimension: fase1, scale: janee, phase: 1, text: "Mijlpaal 1a."}
  - {id: f1b, dimension: fase1, scale: janee, phase: 1, text: "Mijlpaal 1b."}
  - {id: f2a, dimension: fase2, scale: janee, phase: 2, text: "Mijlpaal 2a."}
  - {id: f2b, dimension: fase2, scale: janee, phase: 2, text: "Mijlpaal 2b."}
  - {id: c1, dimension: bestuur, scale: vorm, text: "Welke vorm?"}
  - {id: t1, dimension: toelichting, scale: open, text: "Toelichting?"}
"""


@pytest.fixture
def mini_path(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(textwrap.dedent(MINI_INSTRUMENT), encoding="utf-8")
    return path


@pytest.fixture
def mini(mini_path):
    return load_instrument(mini_path)
