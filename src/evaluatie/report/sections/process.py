"""The process evaluation: how far the collaboration is according to the partners, and what they say.

The body shows the findings, one figure and the consensus of the main instrument; the other tables and
figures go to the bijlage (``process_appendix``). Small groups are never shown: suppressed cells read
'n < 5', cells hidden only to protect a smaller neighbour 'niet getoond'.
"""

from __future__ import annotations

from markupsafe import Markup

from evaluatie.formats import bound, join_words, number, p_value
from evaluatie.process import ProcessEvaluation
from evaluatie.process.instrument import ORDINAL_TYPES
from evaluatie.process.perspectives import perspective_label
from evaluatie.process.scoring import item_distribution
from evaluatie.report import figures
from evaluatie.report.markup import Section, section, table
from evaluatie.report.process_text import HOLM_SHOWN, findings
from evaluatie.report.text import lower_first, plural

HIDDEN = "niet getoond"
MAX_QUOTES = 3


def _source(pe: ProcessEvaluation) -> str:
    waves = join_words([str(w) for w in pe.waves])
    return f"vragenlijsten van de partners ({'meting ' + waves if waves else 'geen metingen'})"


def _cell(value, hidden: bool, small: bool, min_group_size: int, decimals: int = 1) -> str:
    if small:
        return f"n < {min_group_size}"
    if hidden:
        return HIDDEN
    return number(value, decimals) if isinstance(value, float) else str(value)


def _main_instrument(pe: ProcessEvaluation):
    answered = set(pe.consensus["instrument"]) if not pe.consensus.empty else set()
    return next((i for i in pe.instruments if i.id in answered), None)


def respondents_sentence(pe: ProcessEvaluation) -> str:
    if pe.responses is None:
        return "Er zijn geen vragenlijsten aangeleverd."
    counts = pe.responses.data.groupby("wave").size()
    parts = [f"{plural(int(n), 'persoon', 'personen')} in {w}" for w, n in counts.items()]
    return (f"De vragenlijst is ingevuld door {join_words(parts)}. Groepen van minder dan {pe.min_group_size} "
            "personen tonen we niet, zodat niemand herkenbaar is; open antwoorden tonen we nooit.")


def consensus_table(pe: ProcessEvaluation):
    """Median, level and agreement per dimension in the last wave."""
    latest = pe.consensus[pe.consensus.wave == pe.waves[-1]] if pe.waves else pe.consensus.iloc[:0]
    if latest.empty:
        return None
    rows = []
    for r in latest.itertuples():
        small = bool(r.suppressed)
        rows.append([r.dimension_label, _cell(float(r.median), small, small, pe.min_group_size, 0),
                     "n < %d" % pe.min_group_size if small else r.level_label,
                     "n < %d" % pe.min_group_size if small else ("verdeeld" if r.agreement == "split" else "eens")])
    return table(f"Hoe ver is de samenwerking? Mediaan en overeenstemming per onderwerp, meting {pe.waves[-1]}",
                 ["Onderwerp", "Mediaan (0-5)", "Niveau", "Partners"], rows, numeric=["Mediaan (0-5)"])


def process(pe: ProcessEvaluation | None) -> Section:
    if pe is None:
        return section("process.html.j2", "Procesevaluatie", missing=True)
    main = _main_instrument(pe)
    chart = figures.maturity_chart(pe.dimension_scores, main, _source(pe)) if main else None
    quotes = [{"text": q.quote, "who": f"{q.perspective_label}, {q.wave}", "topic": lower_first(q.code_label),
               "kind": q.type_label} for q in pe.quotes.head(MAX_QUOTES).itertuples()]
    return section("process.html.j2", "Procesevaluatie", missing=False, respondents=respondents_sentence(pe),
                   findings=findings(pe), chart=chart, quotes=quotes)


# --- the bijlage -------------------------------------------------------------------------------------------


def process_appendix(pe: ProcessEvaluation | None) -> dict:
    """Tables and figures for the bijlage: consensus of every instrument, phases, change, perspectives."""
    if pe is None or pe.responses is None:
        return {}
    titles = {i.id: i.title for i in pe.instruments}
    last = pe.waves[-1]
    answered = [i for i in pe.instruments if i.id in set(pe.dimension_scores["instrument"])
                and any(i.dimension_scale(d).type in ORDINAL_TYPES for d in i.dimensions)]
    top = max([len(i.phases) for i in pe.instruments if i.phases] or [4])
    charts = [figures.phase_chart(pe.phase, titles, top, _source(pe)),
              figures.code_chart(pe.code_counts, "gecodeerde interviews met de partners")]
    return {"consensus": consensus_table(pe),
            "phases": _phase_table(pe), "change": _change_table(pe), "perspectives": _perspective_table(pe),
            "by_perspective": [_by_perspective_table(pe, i, last) for i in answered],
            "answers": [t for t in (_answers_table(pe, i, last) for i in answered) if t is not None],
            "charts": [c for c in charts if c is not None]}


PROTECTED = "–"
NO_ANSWERS = "geen"


def _by_perspective_table(pe: ProcessEvaluation, instrument, wave):
    """Mean score per dimension (rows) and perspective (columns) in one wave; a perspective hidden everywhere
    becomes a note instead of a column, and every symbol in a cell is explained in the note."""
    part = pe.perspective_scores[(pe.perspective_scores["instrument"] == instrument.id)
                                 & (pe.perspective_scores["wave"] == wave)
                                 & pe.perspective_scores["scale_type"].isin(["likert", "maturity"])]
    hidden_everywhere = part.groupby("perspective").suppressed.all()
    perspectives = sorted(p for p, hidden in hidden_everywhere.items() if not hidden)
    cells = part.set_index(["dimension", "perspective"])
    rows = []
    for dimension in [d for d in instrument.dimensions if d in set(part["dimension"])]:
        row = [instrument.dimensions[dimension].label]
        for p in perspectives:
            c = cells.loc[(dimension, p)] if (dimension, p) in cells.index else None
            if c is None:
                row.append(NO_ANSWERS)
            elif bool(c.suppressed):
                row.append(f"n < {pe.min_group_size}" if c.n < pe.min_group_size else PROTECTED)
            else:
                row.append(number(float(c["mean"]), 1))
        rows.append(row)
    left_out = [perspective_label(p) for p, hidden in hidden_everywhere.items() if hidden]
    shown = {cell for row in rows for cell in row[1:]}
    legend = [(f"n < {pe.min_group_size}", f"minder dan {pe.min_group_size} personen, niet getoond"),
              (PROTECTED, "niet getoond om een kleinere groep te beschermen"), (NO_ANSWERS, "geen antwoorden")]
    note = " ".join([f"{symbol}: {meaning}." for symbol, meaning in legend if symbol in shown]
                    + ([f"Niet getoond (minder dan {pe.min_group_size} personen): {join_words(left_out)}."]
                       if left_out else []))
    columns = [perspective_label(p) for p in perspectives]
    return table(f"Gemiddelde score per perspectief, meting {wave}: {instrument.title}", ["Onderwerp", *columns],
                 rows, numeric=columns, note=note)


def _answers_table(pe: ProcessEvaluation, instrument, wave):
    """Per statement the share that disagrees, is neutral and agrees (likert statements)."""
    distribution = item_distribution(pe.responses, instrument, wave, pe.min_group_size)
    likert = distribution[distribution["item"].map(lambda i: instrument.scale_of(i).type == "likert")]
    if likert.empty:
        return None
    rows = []
    for _, r in likert.iterrows():
        scale = instrument.scale_of(r["item"])
        values = list(range(scale.minimum, scale.maximum + 1))
        middle = (scale.minimum + scale.maximum) / 2
        if r["suppressed"] or r[values].isna().any():
            rows.append([r["text"], *[f"n < {pe.min_group_size}"] * 3])
            continue
        shares = [sum(r[v] for v in values if v < middle), sum(r[v] for v in values if v == middle),
                  sum(r[v] for v in values if v > middle)]
        rows.append([r["text"], *[number(100 * s, 0) + "%" for s in shares]])
    return table(f"Antwoorden per stelling, meting {wave}: {instrument.title}",
                 ["Stelling", "Oneens", "Neutraal", "Eens"], rows, numeric=["Oneens", "Neutraal", "Eens"])


def _phase_table(pe: ProcessEvaluation):
    if pe.phase.empty:
        return None
    rows = [[pe.instrument_title(r.instrument), str(r.wave), _cell(r.phase_label, r.suppressed, r.suppressed,
                                                                    pe.min_group_size)]
            for r in pe.phase.itertuples()]
    return table("Bereikte fase per meting", ["Onderdeel", "Meting", "Fase"], rows)


def _change_table(pe: ProcessEvaluation):
    change = pe.wave_change[pe.wave_change["scale_type"].isin(("likert", "maturity"))]
    if change.empty:
        return None
    rows = []
    for r in change.itertuples():
        small = bool(r.suppressed)
        rows.append([r.dimension_label, f"{r.wave_from} → {r.wave_to}",
                     _cell(float(r.difference), small, small, pe.min_group_size, 2),
                     "–" if small else f"{bound(r.ci_low, 2)} tot {bound(r.ci_high, 2)}",
                     "dezelfde personen" if r.method == "gepaard" else "losse groepen"])
    return table("Verandering tussen de metingen (punten op de schaal)", ["Onderwerp", "Metingen", "Verschil",
                                                                          "Marge (95%)", "Vergeleken"], rows,
                 numeric=["Verschil"])


def _perspective_table(pe: ProcessEvaluation):
    """Only the differences between perspectives that hold after correcting for the many comparisons."""
    frame = pe.perspective_differences.dropna(subset=["spread"])
    if frame.empty:
        return None
    clear = frame[frame.p_holm < HOLM_SHOWN]
    note = (f"Van de {len(frame)} vergelijkingen tussen perspectieven {'is' if len(clear) == 1 else 'zijn'} er "
            f"{len(clear)} duidelijk (p-waarde na correctie voor het aantal vergelijkingen onder "
            f"{number(HOLM_SHOWN, 2)}); alleen {'die staat' if len(clear) == 1 else 'die staan'} in de tabel.")
    if clear.empty:
        return Markup("<p>{}</p>").format(f"Verschillen tussen perspectieven: bij geen van de {len(frame)} "
                                          "vergelijkingen is het verschil duidelijk (p-waarde na correctie voor het "
                                          f"aantal vergelijkingen onder {number(HOLM_SHOWN, 2)}).")
    rows = [[r.dimension_label, str(r.wave), f"{perspective_label(r.lowest)} ({number(r.lowest_mean)})",
             f"{perspective_label(r.highest)} ({number(r.highest_mean)})", p_value(r.p_holm)]
            for r in clear.itertuples()]
    return table("Duidelijke verschillen tussen perspectieven", ["Onderwerp", "Meting", "Laagst", "Hoogst", "p-waarde"],
                 rows, note=note)

