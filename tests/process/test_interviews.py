"""Codebook, coded segments, counts with suppression, and anonymised quotes."""

import pandas as pd
import pytest

from evaluatie.process.anonymise import anonymise
from evaluatie.process.interviews import (
    CodebookError,
    _hidden_groups,
    SegmentError,
    code_counts,
    load_codebook,
    read_segments,
    select_quotes,
)

ORGS = ["Zorggroep De Linde", "Gemeente Veldhoven"]


def _segments(n_docs_zorg=5, n_docs_gem=2):
    rows = []
    for i in range(n_docs_zorg):
        rows.append((f"int-z{i}", "Wantrouwen en oude conflicten", "Zoals Jan de Vries van Zorggroep De Linde zei: "
                     "we vertrouwen elkaar nog niet genoeg.", "zorgaanbieder", "2021"))
    rows.append(("int-z0", "Groep\\visie_gedeeld", "Iedereen ziet dat het anders moet in de wijk.",
                 "zorgaanbieder", "2023"))
    for i in range(n_docs_gem):
        rows.append((f"int-g{i}", "wantrouwen", "Wethouder Bakker van Gemeente Veldhoven twijfelt aan de cijfers.",
                     "Beleidsmakers en financiers", "2021"))
    return pd.DataFrame(rows, columns=["Documentnaam", "Code", "Segment", "Perspectief", "Meting"])


@pytest.fixture
def codebook():
    return load_codebook("default")


@pytest.fixture
def segments(tmp_path, codebook):
    path = tmp_path / "interviews.csv"
    _segments().to_csv(path, index=False)
    return read_segments(path, codebook)


def test_default_codebook_groups_codes_under_dimensions(codebook):
    assert len(codebook.codes) == 16
    assert {c.type for c in codebook.codes.values()} == {"barrier", "facilitator"}
    assert codebook.codes["verkeerde_zak"].dimension == "financiele_prikkels"


def test_codebook_validation(tmp_path):
    path = tmp_path / "codes.yaml"
    path.write_text("id: x\ntitle: X\nframework: {name: K, citation: C}\ngroups:\n"
                    "  - dimension: d\n    codes:\n      - {id: a, label: A, type: drempel}\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="code 'a': type moet barrier of facilitator zijn"):
        load_codebook(path)
    path.write_text("id: x\ntitle: X\nframework: {name: K, citation: C}\ngroups:\n"
                    "  - dimension: d\n    codes:\n      - {id: a, label: A, typ: barrier}\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="code 'a': onbekend veld 'typ'.*Bedoelt u 'type'"):
        load_codebook(path)


def test_read_segments_maps_export_names(segments):
    assert list(segments.columns) == ["document", "code", "segment", "perspective", "wave", "reviewed", "row"]
    assert segments["code"].tolist()[:6] == ["wantrouwen"] * 5 + ["visie_gedeeld"]
    assert set(segments["perspective"]) == {"zorgaanbieder", "beleidsmaker"}
    assert set(segments["wave"]) == {2021, 2023}


def test_segment_errors(tmp_path, codebook):
    frame = _segments()
    frame.loc[1, "Code"] = "wantrouw"
    frame.loc[2, "Perspectief"] = ""
    path = tmp_path / "fout.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(SegmentError) as info:
        read_segments(path, codebook)
    message = str(info.value)
    assert "fout.csv, rij 3: code 'wantrouw' staat niet in codeboek 'default'. Bedoelt u 'wantrouwen'?" in message
    assert "fout.csv, rij 4: perspectief ontbreekt" in message
    frame.drop(columns="Segment").to_csv(path, index=False)
    with pytest.raises(SegmentError, match="kolom\\(men\\) ontbreken: segment"):
        read_segments(path, codebook)


def test_code_counts_and_suppression(segments, codebook):
    open_counts = code_counts(segments, codebook, min_group_size=1).set_index(["code", "perspective", "wave"])
    assert not open_counts["suppressed"].any()
    assert open_counts.loc[("wantrouwen", "zorgaanbieder", 2021), "segments"] == 5
    assert open_counts.loc[("wantrouwen", "zorgaanbieder", 2021), "documents"] == 5
    assert open_counts.loc[("wantrouwen", "beleidsmaker", 2021), "segments"] == 2

    counts = code_counts(segments, codebook, min_group_size=5).set_index(["code", "perspective", "wave"])
    # beleidsmakers: two interviews -> suppressed
    assert pd.isna(counts.loc[("wantrouwen", "beleidsmaker", 2021), "segments"])
    # the 2021 margin minus the zorgaanbieders would reveal the beleidsmakers: hidden too
    assert counts.loc[("wantrouwen", "zorgaanbieder", 2021), "suppressed"]
    # 2023 has one interview; the grand total minus 2021 would reveal it, so 2021 is hidden as well
    assert counts.loc[("visie_gedeeld", "alle", 2023), "suppressed"]
    assert counts.loc[("wantrouwen", "alle", 2021), "suppressed"]
    # the grand total rests on seven interviews and stays visible
    assert counts.loc[("wantrouwen", "alle", "alle"), "segments"] == 7
    assert counts.loc[("visie_gedeeld", "alle", "alle"), "segments"] == 1


def _groups(sizes: dict) -> pd.DataFrame:
    return pd.DataFrame([{"perspective": p, "wave": w, "n_group": n} for (p, w), n in sizes.items()])


def test_hidden_groups_cover_the_margins():
    sizes = {("a", 1): 8, ("b", 1): 2, ("c", 1): 9, ("alle", 1): 19,
             ("a", 2): 7, ("b", 2): 6, ("c", 2): 9, ("alle", 2): 22,
             ("a", "alle"): 15, ("b", "alle"): 8, ("c", "alle"): 18, ("alle", "alle"): 41}
    hidden = _hidden_groups(_groups(sizes), 5)
    # b1 is small; a1 (smallest visible in wave 1) joins it; then column b needs b2 and column a
    # needs a2, since a lone hidden cell equals its margin minus the visible cells
    assert {cell for cell, h in zip(sizes, hidden) if h} == {("b", 1), ("a", 1), ("b", 2), ("a", 2)}
    assert not _hidden_groups(_groups({("a", 1): 6, ("alle", 1): 6}), 5).any()


def test_quotes_are_anonymised(segments, codebook):
    quotes = select_quotes(segments, codebook, organisations=ORGS)
    text = " ".join(quotes["quote"])
    assert "Jan" not in text and "Vries" not in text and "Bakker" not in text
    assert "Zorggroep De Linde" not in text and "[organisatie]" in text and "[naam]" in text
    assert set(quotes["code"]) == {"wantrouwen", "visie_gedeeld"}
    # the perspective is named only with at least five documents behind it
    assert set(quotes["perspective_label"]) <= {"Zorg- en welzijnsaanbieders", "een partner"}
    # with a higher threshold no perspective has enough interviews to be named
    assert set(select_quotes(segments, codebook, min_group_size=6)["perspective_label"]) == {"een partner"}
    shown = select_quotes(segments, codebook, organisations=ORGS, show_organisation_names=True)
    assert "Zorggroep De Linde" in " ".join(shown["quote"])
    assert "Jan de Vries" not in " ".join(shown["quote"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoals Jan de Vries zei.", "Zoals [naam] zei."),
        ("Ik sprak mevrouw El Amrani.", "Ik sprak mevrouw [naam]."),
        ("Kees van der Berg belde.", "[naam] belde."),
        ("Wethouder Bakker van Gemeente Veldhoven twijfelt.", "Wethouder [naam] van [organisatie] twijfelt."),
        ("Mail naar p.jansen@zorg.nl of bel 06-12345678.", "Mail naar [contactgegevens] of bel [contactgegevens]."),
        ("De Wmo en de Zvw in één pot.", "De Wmo en de Zvw in één pot."),
        ("Bij De Linde en in Veldhoven zien ze dat.", "Bij [organisatie] en in [organisatie] zien ze dat."),
        ("Volgens de Wmo kan dat niet. Met de Gemeente Bergen ook niet.",
         "Volgens de Wmo kan dat niet. Met de [organisatie] ook niet."),  # no partner: masked
        ("Toen belde Bartholomeus van Rijn.", "Toen belde [naam]."),
        ("Daarna zei Henk-Jan de Graaf het.", "Daarna zei [naam] het."),
    ],
)
def test_anonymise(text, expected):
    assert anonymise(text, ORGS, person_names=["Bakker"]) == expected


def test_read_segments_with_semicolons_and_commas_in_text(tmp_path, codebook):
    frame = _segments()
    frame.loc[0, "Segment"] = "Ja, nee, misschien, dat hangt ervan af, zei ze."
    path = tmp_path / "puntkomma.csv"
    frame.to_csv(path, index=False, sep=";")
    segments = read_segments(path, codebook)
    assert segments.loc[0, "segment"] == "Ja, nee, misschien, dat hangt ervan af, zei ze."
    assert len(segments) == len(frame)
