"""Plain-language Dutch sentences that summarise the process evaluation for a steering group.

Only visible (not suppressed) results are used, so a sentence can never
reveal what a table hides.
"""

from __future__ import annotations

from evaluatie.formats import join_words, number as dutch_number
from evaluatie.process.evaluation import ProcessEvaluation
from evaluatie.process.perspectives import perspective_label

ORDINAL = ("likert", "maturity")



def _phase_sentences(pe: ProcessEvaluation) -> list[str]:
    out = []
    for instrument in pe.instruments:
        rows = pe.phase[(pe.phase["instrument"] == instrument.id) & ~pe.phase["suppressed"]].sort_values("wave")
        if rows.empty:
            continue
        last = rows.iloc[-1]
        text = f"Volgens '{instrument.title}' zit het initiatief in meting {last['wave']} in {last['phase_label']}"
        if len(rows) > 1 and rows.iloc[0]["phase"] != last["phase"]:
            first = rows.iloc[0]
            text += f" (meting {first['wave']}: {first['phase_label']})"
        out.append(text.replace(" in Nog geen fase bereikt", " nog in geen enkele fase") + ".")
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
            out.append(f"In meting {wave} zijn de partners het bij alle {len(last)} dimensies van '{title}' "
                       "voldoende met elkaar eens (SCIROCCO-regel).")
        else:
            out.append(f"In meting {wave} zijn de partners verdeeld over {len(split)} van de {len(last)} dimensies "
                       f"van '{title}': {join_words(split['dimension_label'].tolist())}. Het niveau is daar onzeker; "
                       "de verschillen tussen partners zijn zelf een bevinding.")
    return out


def _change_sentences(pe: ProcessEvaluation) -> list[str]:
    change = pe.wave_change[~pe.wave_change["suppressed"] & pe.wave_change["scale_type"].isin(ORDINAL)]
    if change.empty:
        return []
    out = []
    for (first, second), part in change.groupby(["wave_from", "wave_to"], sort=True):
        clear = part[(part["ci_low"] > 0) | (part["ci_high"] < 0)].sort_values("difference")
        if clear.empty:
            out.append(f"Tussen meting {first} en {second} veranderde geen enkele dimensie duidelijk "
                       "(alle 95%-betrouwbaarheidsintervallen bevatten nul).")
            continue
        ups = clear[clear["difference"] > 0].tail(3).iloc[::-1]
        downs = clear[clear["difference"] < 0].head(3)
        for label, rows in (("vooruit", ups), ("achteruit", downs)):
            if rows.empty:
                continue
            parts = [f"'{r.dimension_label}' ({dutch_number(abs(r.difference))} punt, 95%-BI "
                     f"{dutch_number(r.ci_low)} tot {dutch_number(r.ci_high)})" for r in rows.itertuples()]
            out.append(f"Tussen meting {first} en {second} gingen duidelijk {label}: {join_words(parts)}.")
    return out


def _perspective_sentences(pe: ProcessEvaluation) -> list[str]:
    spread = pe.perspective_differences.dropna(subset=["spread"])
    spread = spread[spread["scale_type"].isin(ORDINAL)]
    if spread.empty:
        return []
    last = spread[spread["wave"] == spread["wave"].max()]
    top = last.loc[last["spread"].idxmax()]
    return [f"De perspectieven lopen in meting {top['wave']} het verst uiteen over '{top['dimension_label']}' "
            f"({pe.instrument_title(top['instrument'])}): {perspective_label(top['lowest'])} gemiddeld "
            f"{dutch_number(top['lowest_mean'])}, {perspective_label(top['highest'])} gemiddeld "
            f"{dutch_number(top['highest_mean'])}."]


def _interview_sentences(pe: ProcessEvaluation) -> list[str]:
    counts = pe.code_counts
    if counts.empty:
        return []
    total = counts[(counts["perspective"] == "alle") & (counts["wave"] == "alle") & ~counts["suppressed"]]
    if total.empty or total["segments"].sum() == 0:
        return []
    by_type = total.groupby("type")["segments"].sum()
    text = (f"In de interviews zijn {int(by_type.get('barrier', 0))} belemmerende en "
            f"{int(by_type.get('facilitator', 0))} bevorderende fragmenten gecodeerd")
    named = []
    for kind, word in (("barrier", "belemmering"), ("facilitator", "bevorderende factor")):
        rows = total[(total["type"] == kind) & (total["segments"] > 0)]
        if not rows.empty:
            named.append(f"de meest genoemde {word} is '{rows.loc[rows['segments'].idxmax(), 'code_label']}'")
    return [text + ("; " + join_words(named) if named else "") + "."]


def findings(pe: ProcessEvaluation) -> list[str]:
    """Short Dutch sentences: phase, consensus, change, spread between perspectives, interviews."""
    sentences = []
    if not pe.dimension_scores.empty:
        sentences += _phase_sentences(pe) + _consensus_sentences(pe) + _change_sentences(pe)
        sentences += _perspective_sentences(pe)
    return sentences + _interview_sentences(pe)

