"""Synthetic process-evaluation data: questionnaires and coded interviews for a fictional initiative.

The profiles give the report something to find: maturity that grows, stays
flat, splits the partners, or is only starting. Interview segments contain
fictional names of persons and the partners' organisation names, so the
anonymisation of quotes is exercised on every demo report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluatie.process.evaluation import DEFAULT_INSTRUMENTS
from evaluatie.process.instrument import load_instruments
from evaluatie.process.interviews import load_codebook
from evaluatie.process.perspectives import PERSPECTIVES, perspective_id

PROFILES = ("groeiend", "stabiel", "verdeeld", "startend")
WAVES = (2021, 2023)

# Mean maturity (0-5) per wave and the development phase the checklists point to.
_LEVEL = {"groeiend": (1.8, 3.3), "stabiel": (2.9, 3.0), "verdeeld": (3.5, 3.7), "startend": (0.8, 1.3)}
_PHASE = {"groeiend": (1, 3), "stabiel": (2, 2), "verdeeld": (2, 2), "startend": (1, 1)}
_BARRIER_SHARE = {"groeiend": (0.6, 0.3), "stabiel": (0.45, 0.45), "verdeeld": (0.5, 0.55), "startend": (0.5, 0.45)}

# Groups added when the partners cover fewer than four perspectives.
_EXTRA_GROUPS = [
    ("Cliëntenraad", "hulpvrager"),
    ("Bewonersplatform", "gemeenschap"),
    ("Wijkteam", "professional"),
    ("Regionaal beleidsoverleg", "beleidsmaker"),
    ("Zorgcoöperatie", "zorgaanbieder"),
    ("Regiobestuur", "bestuurder"),
]

# Fictional people; the anonymiser must remove them from every quote.
_PEOPLE = ["Jan de Vries", "Fatima El Amrani", "Sanne Bakker", "Pieter van Dijk", "Mehmet Yilmaz",
           "Ingrid Smit", "Mohamed Bouzid", "Els Jansen", "Kees van der Berg", "Marieke Visser"]

_FRAMES = [
    "Zoals {person} van {org} zei: {text}",
    "{person} van {org} verwoordde het zo: {text}",
    "In het overleg met {org} merkten we het ook. {text}",
    "Ik heb dat nog met {person} besproken. {text}",
]

# Two short statements per code of the default codebook, written for this demo.
_SEGMENTS = {
    "visie_gedeeld": ["We willen allemaal dat mensen langer thuis kunnen blijven wonen.",
                      "Iedereen aan tafel ziet dat het zo niet langer kan in de wijk."],
    "eigen_belang": ["Uiteindelijk kijkt elke organisatie toch eerst naar de eigen begroting.",
                     "Als het op productie aankomt, trekt iedereen zich terug op het eigen eiland."],
    "open_gesprek": ["We durven elkaar nu ook te vertellen wat er niet goed gaat.",
                     "Omdat we elkaar kennen, bel je sneller even iemand op."],
    "wantrouwen": ["Er hangt nog veel oud zeer van de vorige aanbesteding.",
                   "Ik weet niet zeker of de anderen hun afspraken gaan nakomen."],
    "risico_delen": ["We hebben afgesproken dat tekorten en overschotten gedeeld worden.",
                     "Het helpt dat het risico niet meer bij één partij ligt."],
    "onduidelijke_rollen": ["Niemand weet precies wie er over het gezamenlijke budget beslist.",
                            "Mijn mandaat is te klein om hier echt iets toe te zeggen."],
    "bestuurlijke_steun": ["De wethouder komt zelf naar de bijeenkomsten en dat wordt gezien.",
                           "De raad heeft het plan unaniem gesteund."],
    "politieke_wisseling": ["Na de verkiezingen moesten we het verhaal opnieuw uitleggen.",
                            "Elk jaar is er weer onzekerheid of het geld er volgend jaar nog is."],
    "passende_bekostiging": ["Met het vaste budget per wijk kunnen we doen wat nodig is.",
                             "De meerjarige afspraak met de zorgverzekeraar geeft rust."],
    "verkeerde_zak": ["De gemeente investeert, maar de besparing komt bij de verzekeraar terecht.",
                      "Wij maken de kosten en het ziekenhuis ziet de winst."],
    "data_delen": ["Het gezamenlijke dashboard laat elk kwartaal zien waar we staan.",
                   "We bespreken de cijfers nu samen en passen de aanpak daarop aan."],
    "geen_data": ["Door de privacyregels mogen we bijna niets met elkaar delen.",
                  "We hebben eigenlijk geen idee of het iets oplevert."],
    "inwoners_betrokken": ["Bewoners zitten nu zelf in de werkgroep en dat verandert het gesprek.",
                           "De cliëntenraad heeft het plan flink aangescherpt."],
    "inwoners_buiten_beeld": ["We praten vooral over inwoners, maar zelden met ze.",
                              "De mensen om wie het gaat weten niet dat dit initiatief bestaat."],
    "verbindend_leiderschap": ["De kwartiermaker weet iedereen steeds weer bij elkaar te brengen.",
                               "De bestuurders trekken echt samen op."],
    "afhankelijk_van_personen": ["Als de projectleider vertrekt, valt alles stil.",
                                 "Het draait op een paar enthousiaste mensen."],
}

_FREE_TEXT = [
    "Het overleg met {person} loopt goed, maar de financiering blijft onzeker.",
    "Graag meer aandacht voor de inbreng van bewoners.",
    "De afspraken met {org} moeten scherper.",
]


def _respondent_groups(partners: list[tuple[str, str]]) -> list[tuple[str, str]]:
    groups = []
    for organisation, perspective in partners:
        key = perspective_id(perspective)
        if key is None:
            raise ValueError(f"Onbekend perspectief '{perspective}' voor {organisation}; "
                             f"kies uit {', '.join(PERSPECTIVES)}.")
        groups.append((organisation, key))
    for extra in _EXTRA_GROUPS:
        if len({p for _, p in groups}) >= 4:
            break
        if extra[1] not in {p for _, p in groups}:
            groups.append(extra)
    return groups


def _allocate(groups: list[tuple[str, str]], total: int, low: str | None, rng) -> list[tuple[str, str]]:
    """Respondents as (organisation, perspective): five per main perspective first, then at random."""
    perspectives = list(dict.fromkeys(p for _, p in groups))
    main = ([low] if low else []) + [p for p in perspectives if p != low]
    slots = [p for p in main[:4] for _ in range(6 if p == low else 5)]
    slots += list(rng.choice(perspectives, size=max(total - len(slots), 0)))
    counters = {p: 0 for p in perspectives}
    people = []
    for perspective in slots:
        organisations = [o for o, p in groups if p == perspective]
        people.append((organisations[counters[perspective] % len(organisations)], perspective))
        counters[perspective] += 1
    return people


def _questionnaire(initiative_id, groups, profile, low, rng) -> pd.DataFrame:
    instruments = load_instruments(list(DEFAULT_INSTRUMENTS))
    people = _allocate(groups, int(rng.integers(22, 35)), low, rng)
    respondents = [dict(id=f"{initiative_id}-R{i + 1:03d}", organisation=o, perspective=p,
                        effect=rng.normal(0, 0.4), waves={WAVES[0]}) for i, (o, p) in enumerate(people)]
    for person in list(respondents):
        if rng.random() < 0.8:
            person["waves"].add(WAVES[1])
        else:  # drop-out, replaced by a new entrant from the same organisation
            respondents.append(dict(id=f"{initiative_id}-R{len(respondents) + 1:03d}",
                                    organisation=person["organisation"], perspective=person["perspective"],
                                    effect=rng.normal(0, 0.4), waves={WAVES[1]}))
    perspective_effect = {p: rng.normal(0, 0.25) for p in PERSPECTIVES}
    dimension_effect = {(i.id, d): rng.normal(0, 0.4) for i in instruments for d in i.dimensions}
    split_dimensions = {d for d in instruments[0].dimensions if rng.random() < 0.3} | {"sturing", "financiering"}
    organisations = [o for o, _ in groups]

    rows = []
    for w, wave in enumerate(WAVES):
        for person in respondents:
            if wave not in person["waves"]:
                continue
            day = pd.Timestamp(f"{wave}-03-01") + pd.Timedelta(days=int(rng.integers(0, 42)))
            row = dict(respondent_id=person["id"], organisation=person["organisation"],
                       perspective=person["perspective"], wave=wave, date=day.date().isoformat())
            is_low = person["perspective"] == low
            for instrument in instruments:
                for item in instrument.items.values():
                    scale = instrument.scales[item.scale]
                    latent = (_LEVEL[profile][w] + person["effect"] + perspective_effect[person["perspective"]]
                              + dimension_effect[(instrument.id, item.dimension)])
                    if is_low:
                        latent -= 3.0 if item.dimension in split_dimensions else 0.5
                    if scale.type == "maturity":
                        value = round(float(np.clip(latent + rng.normal(0, 0.6), 0, 5)))
                    elif scale.type == "likert":
                        value = round(float(np.clip(1 + 0.8 * latent + rng.normal(0, 0.6), 1, 5)))
                        value = 6 - value if item.reverse else value
                    elif scale.type == "yesno":
                        gap = item.phase - _PHASE[profile][w]
                        p_yes = 0.85 if gap <= 0 else 0.25 if gap == 1 else 0.08
                        p_yes = float(np.clip(p_yes + 0.1 * person["effect"] - (0.25 if is_low else 0), 0, 1))
                        value = "ja" if rng.random() < p_yes else "nee"
                    else:
                        text = _FREE_TEXT[int(rng.integers(len(_FREE_TEXT)))]
                        value = text.format(person=_PEOPLE[int(rng.integers(len(_PEOPLE)))],
                                            org=organisations[int(rng.integers(len(organisations)))]) \
                            if rng.random() < 0.15 else None
                    if rng.random() < 0.04:
                        value = None
                    row[item.id] = value
            rows.append(row)
    frame = pd.DataFrame(rows)
    for instrument in instruments:
        for item in instrument.items.values():
            if instrument.scales[item.scale].type in ("maturity", "likert"):
                frame[item.id] = frame[item.id].astype("Int64")
    return frame


def _interviews(initiative_id, groups, profile, low, rng) -> pd.DataFrame:
    codebook = load_codebook("default")
    by_type = {t: [c.id for c in codebook.codes.values() if c.type == t] for t in ("barrier", "facilitator")}
    present = list(dict.fromkeys(p for _, p in groups))
    perspectives = (([low] if low else []) + [p for p in present if p != low])[:4]
    organisations = [o for o, _ in groups]
    documents = []
    for wave in WAVES:
        for j in range(int(rng.integers(10, 14))):
            documents.append((f"{initiative_id}-interview-{wave}-{j + 1:02d}", perspectives[j % len(perspectives)],
                              wave))
    total = int(rng.integers(max(30, len(documents)), 56))
    chosen = list(range(len(documents))) + list(rng.integers(0, len(documents), size=total - len(documents)))
    rows = []
    for index in sorted(chosen):
        document, perspective, wave = documents[index]
        share = _BARRIER_SHARE[profile][WAVES.index(wave)]
        if perspective == low:
            share = 0.85
        kind = "barrier" if rng.random() < share else "facilitator"
        code = by_type[kind][int(rng.integers(len(by_type[kind])))]
        text = _SEGMENTS[code][int(rng.integers(2))]
        if rng.random() < 0.4:
            frame = _FRAMES[int(rng.integers(len(_FRAMES)))]
            text = frame.format(person=_PEOPLE[int(rng.integers(len(_PEOPLE)))],
                                org=organisations[int(rng.integers(len(organisations)))], text=text)
        rows.append(dict(document=document, code=code, segment=text, perspective=perspective, wave=wave))
    return pd.DataFrame(rows, columns=["document", "code", "segment", "perspective", "wave"])


def generate_process_demo(
    initiative_id: str, partners: list[tuple[str, str]], profile: str, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (questionnaire, interviews) for one fictional initiative.

    ``partners`` are (organisation name, perspective id); ``profile`` is one of
    groeiend, stabiel, verdeeld (one perspective much lower, so consensus
    splits on some maturity dimensions) or startend. Same seed, same data.
    """
    if profile not in PROFILES:
        raise ValueError(f"Onbekend profiel '{profile}'; kies uit {', '.join(PROFILES)}.")
    if not partners:
        raise ValueError("Geef ten minste één partner (organisatie, perspectief).")
    rng = np.random.default_rng(seed)
    groups = _respondent_groups(partners)
    present = list(dict.fromkeys(p for _, p in groups))
    low = None
    if profile == "verdeeld":
        low = "zorgaanbieder" if "zorgaanbieder" in present else present[-1]
    return _questionnaire(initiative_id, groups, profile, low, rng), _interviews(initiative_id, groups, profile,
                                                                                   low, rng)
