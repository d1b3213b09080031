"""Plain-language Dutch sentences that summarise the process evaluation for a steering group.

Only visible (not suppressed) results are used, so a sentence can never reveal what a table hides.
"""

from __future__ import annotations

import pandas as pd

from evaluatie.formats import bound, join_words, number
from evaluatie.process.evaluation import ProcessEvaluation
from evaluatie.process.perspectives import perspective_label
from evaluatie.report.text import lower_first, plural

ORDINAL = ("likert", "maturity")
# a difference between perspectives counts as clear below this p-value after the Holm correction
HOLM_SHOWN = 0.10


def _phase(label: str) -> str:
    """'Fase 3: verbreden' -> 'fase 3 (verbreden)'."""
    number_, _, name = label.partition(": ")
    return f"{lower_first(number_)} ({name})" if name else lower_first(label)


def _phase_sentences(pe: ProcessEvaluation) -> list[str]:
    out = []
    for instrument in pe.instruments:
        rows = pe.phase[(pe.phase["instrument"] == instrument.id) & ~pe.phase["suppressed"]].sort_values("wave")
        if rows.empty:
            continue
        last = rows.iloc[-1]
        where = "nog in geen enkele fase" if last["phase"] == 0 else f"in {_phase(last['phase_label'])}"
        text = f"Volgens '{instrument.title}' zit het initiatief in meting {last['wave']} {where}"
        if len(rows) > 1 and rows.iloc[0]["phase"] != last["phase"]:
            first = rows.iloc[0]
            text += (f"; in meting {first['wave']} nog in geen enkele fase" if first["phase"] == 0
                     else f"; in meting {first['wave']} was dat {_phase(first['phase_label'])}")
        out.append(text + ".")
    return out


def _consensus_sentences(pe: ProcessEvaluation) -> list[str]:
    visible = pe.consensus[~pe.consensus["suppressed"]]
    out = []
    for instrument_id, part in visible.groupby("instrument", sort=False):
        last = part[part["wave"] == part["wave"].max()]
        split = last[last["agreement"] == "split"]
        title = pe.instrument_title(instrument_id)
        wave = last["wave"].iloc[0]
        if split.empty:
            out.append(f"In meting {wave} zijn de partners het over alle {len(last)} onderwerpen van '{title}' "
                       "voldoende met elkaar eens.")
        else:
            out.append(f"In meting {wave} zijn de partners verdeeld over "
                       f"{plural(len(split), 'onderwerp', 'onderwerpen')} van de {len(last)} van '{title}': "
                       f"{join_words([lower_first(d) for d in split['dimension_label']])}. Het niveau is daar "
                       "onzeker; het verschil van inzicht is zelf een bevinding.")
    return out


def _change_sentences(pe: ProcessEvaluation) -> list[str]:
    change = pe.wave_change[~pe.wave_change["suppressed"] & pe.wave_change["scale_type"].isin(ORDINAL)]
    if change.empty:
        return []
    out = []
    for (first, second), part in change.groupby(["wave_from", "wave_to"], sort=True):
        clear = part[(part["ci_low"] > 0) | (part["ci_high"] < 0)].sort_values("difference")
        if clear.empty:
            out.append(f"Tussen meting {first} en {second} veranderde geen enkel onderwerp duidelijk.")
            continue
        ups, downs = clear[clear["difference"] > 0], clear[clear["difference"] < 0]
        for word, rows, largest in (("vooruit", ups, ups.tail(3).iloc[::-1]), ("achteruit", downs, downs.head(3))):
            if rows.empty:
                continue
            parts = [f"{lower_first(r.dimension_label)} ({number(abs(r.difference))} punt, marge "
                     f"{bound(r.ci_low)} tot {bound(r.ci_high)})" for r in largest.itertuples()]
            which = (f"alle {len(part)} onderwerpen" if len(rows) == len(part)
                     else f"{len(rows)} van de {len(part)} onderwerpen")
            count = f"{'ging' if len(rows) == 1 else 'gingen'} {which} duidelijk {word}"
            out.append(f"Tussen meting {first} en {second} {count}"
                       + (f": {join_words(parts)}." if len(rows) == len(largest) else f", het meest: {join_words(parts)}."))
    return out


def _perspective_sentences(pe: ProcessEvaluation) -> list[str]:
    spread = pe.perspective_differences.dropna(subset=["spread"])
    spread = spread[spread["scale_type"].isin(ORDINAL)]
    if spread.empty:
        return []
    last = spread[spread["wave"] == spread["wave"].max()]
    top = last.loc[last["spread"].idxmax()]
    return [f"De perspectieven lopen in meting {top['wave']} het verst uiteen over "
            f"{lower_first(top['dimension_label'])}: {lower_first(perspective_label(top['lowest']))} gemiddeld "
            f"{number(top['lowest_mean'])}, {lower_first(perspective_label(top['highest']))} gemiddeld "
            f"{number(top['highest_mean'])}." + ("" if top["p_holm"] < HOLM_SHOWN else
                                                  " Dat verschil is niet groter dan toeval kan verklaren.")]


def _interview_sentences(pe: ProcessEvaluation) -> list[str]:
    counts = pe.code_counts
    if counts.empty:
        return []
    total = counts[(counts["perspective"] == "alle") & (counts["wave"] == "alle") & ~counts["suppressed"]]
    if total.empty or total["segments"].sum() == 0:
        return []
    by_type = total.groupby("type")["segments"].sum()
    text = (f"In de interviews noemden partners {plural(int(by_type.get('barrier', 0)), 'keer', 'keer')} iets dat "
            f"de samenwerking belemmert en {plural(int(by_type.get('facilitator', 0)), 'keer', 'keer')} iets dat "
            "haar helpt")
    named = []
    for kind, word in (("barrier", "belemmering"), ("facilitator", "hulp")):
        rows = total[(total["type"] == kind) & (total["segments"] > 0)]
        if not rows.empty:
            named.append(f"de meest genoemde {word} is '{lower_first(rows.loc[rows['segments'].idxmax(), 'code_label'])}'")
    return [text + ("; " + join_words(named) if named else "") + "."]


def findings(pe: ProcessEvaluation) -> list[str]:
    """Short Dutch sentences: phase, consensus, change, spread between perspectives, interviews."""
    sentences = []
    if not pe.dimension_scores.empty:
        sentences += _phase_sentences(pe) + _consensus_sentences(pe) + _change_sentences(pe)
        sentences += _perspective_sentences(pe)
    return sentences + _interview_sentences(pe)


def _score(median: float) -> str:
    return number(median, 0 if float(median).is_integer() else 1)


def _topics(rows: pd.DataFrame, total: int, others: int = 0) -> str:
    """Every tied topic by name when there are at most three, else how many: no tie is broken at random.
    ``others``: how many topics were named before; when these rows are all the rest they are 'de andere'."""
    if len(rows) > 3:
        return (f"de andere {len(rows)} onderwerpen" if others and others + len(rows) == total
                else f"{len(rows)} van de {total} onderwerpen")
    return join_words([lower_first(label) for label in sorted(rows["dimension_label"])])


def summary_line(pe: ProcessEvaluation) -> str | None:
    """One finding for the kernboodschap: where the partners see the collaboration furthest and least far."""
    latest = pe.latest_consensus()
    if latest.empty:
        return None
    agreed = latest[latest.agreement != "split"]  # a split median is no level: it ranks neither high nor low
    agreed = agreed if len(agreed) else latest
    high, low = agreed["median"].max(), agreed["median"].min()
    if high == low:
        which = "" if len(agreed) == len(latest) else " waarover ze niet verdeeld zijn"
        text = (f"De partners zien de samenwerking in meting {pe.waves[-1]} op alle {len(agreed)} onderwerpen"
                f"{which} even ver (mediaan {_score(high)} op een schaal van 0 tot 5).")
    else:
        furthest = agreed[agreed["median"] == high]
        text = (f"De partners zien de samenwerking in meting {pe.waves[-1]} het verst op "
                f"{_topics(furthest, len(latest))} (mediaan {_score(high)} op een schaal van 0 tot 5) en het minst "
                f"ver op {_topics(agreed[agreed['median'] == low], len(latest), len(furthest))} (mediaan "
                f"{_score(low)}).")
    split = latest[latest.agreement == "split"]
    if len(split):
        text += (f" Over {plural(len(split), 'onderwerp', 'onderwerpen')} van de {len(latest)} zijn ze sterk "
                 "verdeeld.")
    gaps = pe.perspective_differences.dropna(subset=["spread"])
    gaps = gaps[(gaps["wave"] == pe.waves[-1]) & (gaps["p_holm"] < HOLM_SHOWN)
                & gaps["dimension_label"].isin(latest["dimension_label"])]
    if len(gaps):  # agreement over all partners can hide one perspective that scores apart
        text += (" Wel verschillen de perspectieven duidelijk over "
                 f"{_topics(gaps, len(latest))} (bijlage D).")
    return text
