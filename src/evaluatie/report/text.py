"""Dutch sentences from verdict codes and numbers, with honest wording of uncertainty.

Every sentence about an effect is written from one *record* (``IndicatorEvaluation.record()``, the
same dict that ``summary.json`` stores), so the report, the region page and ``reports/index.html`` say
the same thing. Sentences never put a finite verb after an indicator's label (labels are singular or
plural nouns: "Wachttijd ...", "Ziekenhuisopnames ..."); they use "Label: waarschijnlijk gedaald".
"""

from __future__ import annotations

import math

from evaluatie.formats import EURO, JOINER, MINUS, join_words, number, side_kept

DOMAIN_LABELS = {"kwaliteit": "ervaren kwaliteit van zorg", "gezondheid": "gezondheid van de bevolking",
                 "kosten": "kosten per inwoner", "professionals": "werkplezier van professionals",
                 "gelijkheid": "gezondheidsverschillen (gelijkheid)"}
VERDICT_LABELS = {"gedaald": "waarschijnlijk gedaald", "gestegen": "waarschijnlijk gestegen",
                  "geen_verschil": "geen aantoonbaar verschil", "onbetrouwbaar": "geen betrouwbare uitspraak",
                  "te_weinig": "te weinig gegevens"}
ASSESSMENT_LABELS = {"gunstig": "gunstig", "ongunstig": "ongunstig",
                     "ambigu": "richting niet eenduidig: aan de stuurgroep",
                     "budgeteffect": "budgeteffect, geen effect van de samenwerking"}
CAUTION_TEXTS = {
    "placebo_weak": "de trends liepen voor de start niet helemaal gelijk op",
    "pretrend_points": "voor de start lagen enkele perioden al duidelijk naast nul (zie bijlage C)",
    "trends_fragile": "als de trends na de start iets minder gelijk oplopen dan voor de start, is het effect al niet "
                      "meer aantoonbaar",
    "single_unit": "met één gemeente is het effect niet te scheiden van andere veranderingen in die gemeente",
    "no_pretest": "er zijn te weinig metingen van voor de start om te toetsen of de trends gelijk opliepen",
    "leave_one_out": "het effect hangt sterk af van enkele gemeenten",
    "few_per_cohort": "met weinig gemeenten per startgroep is de marge eerder te smal dan te breed",
    "trends_none": "per periode na de start geschat is het effect gemiddeld niet aantoonbaar (bijlage C)",
    "synthetic_unsupported": "de synthetische controle, een tweede schatting, steunt de conclusie niet",
}
ABBREVIATIONS = ("Wmo", "Zvw", "Wlz", "SEH", "GGZ", "GGD")
SHOWN = ("gedaald", "gestegen")


def plural(n: int, one: str, many: str) -> str:
    """'1 gemeente', '8 gemeenten', '0 gemeenten'."""
    return f"{n} {one if n == 1 else many}"


def lower_first(text: str) -> str:
    """'Wachttijd voor ...' -> 'wachttijd voor ...', but 'Wmo-uitgaven' and 'SEH-bezoeken' stay as they are."""
    if text.startswith(ABBREVIATIONS) or (len(text) > 1 and text[1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- amounts with their unit -------------------------------------------------------------------------


def _size(record: dict, value: float) -> str:
    """The size of ``value`` (no sign) with its unit: '4,7 weken', '7,9 per 1.000 inwoners', '€ 17,90 per ...'."""
    unit, per = record["unit"], record["per"]
    size = number(abs(value), shown_decimals(record, value))
    if unit == "euro":
        return f"{EURO}{size} per {per}"
    if unit == "aantal":
        return f"{size} per {per}"
    if unit == "weken":
        return f"{size} {'week' if size == '1,0' else 'weken'}"
    if unit in ("procent", "procentpunt"):
        return f"{size} procentpunt"
    return f"{size} {unit}"


def shown_decimals(record: dict, value: float) -> int:
    """Cents for euros, one decimal otherwise; more for a value just beside zero, so that a bound keeps its
    side ('+0,03', never a '0,0' that hides whether the margin excludes zero)."""
    return side_kept(value, 2 if record["unit"] == "euro" else 1)


def signed_amount(record: dict, value: float) -> str:
    """A change with its sign and unit word but without the 'per ...': '−4,7', '+€ 2,10', '−0,04'."""
    if not math.isfinite(value):
        return "∞" if value > 0 else f"{MINUS}∞"
    decimals = shown_decimals(record, value)
    sign = "" if round(value, decimals) == 0 else ("+" if value > 0 else MINUS)
    size = number(abs(value), decimals)
    return f"{sign}{JOINER if sign else ''}{EURO}{size}" if record["unit"] == "euro" else f"{sign}{size}"


def unit_suffix(record: dict) -> str:
    """What follows a bare number: 'per 1.000 inwoners', 'per verzekerde', 'weken', 'procentpunt'."""
    unit = record["unit"]
    if unit in ("euro", "aantal"):
        return f"per {record['per']}"
    return {"weken": "weken", "procent": "procentpunt", "procentpunt": "procentpunt"}.get(unit, unit)


def short_change(record: dict, value: float) -> str:
    """A change for a table whose indicator label names the unit: '−4,7', '+€ 2,10', but '−1,1 procentpunt'
    (a change in a percentage is in points, which the label's '%' does not say)."""
    text = signed_amount(record, value)
    return text if record["unit"] in ("euro", "aantal") else f"{text} {unit_suffix(record)}"


def change(record: dict, value: float) -> str:
    """'−4,7 weken', '+€ 2,10 per verzekerde'."""
    return f"{signed_amount(record, value)} {unit_suffix(record)}"


def effect_cells(record: dict) -> list[str]:
    """Effect with its unit and the bare margin beside it, for a table row: ['−4,7 weken', '−5,1 tot −4,3']."""
    if not math.isfinite(record["estimate"]):
        return ["–", "–"]
    return [change(record, record["estimate"]), margin(record, record["ci_low"], record["ci_high"], unit=False)]


def bounded(low: float, high: float) -> bool:
    return math.isfinite(low) and math.isfinite(high)


def margin(record: dict, low: float, high: float, unit: bool = True) -> str:
    """Both bounds of an interval with their unit: '−6,5 tot −9,3 per 1.000 inwoners', '€ 7,50 tot € 28,00'.

    Without ``unit`` (a table whose header names it) only the euro sign stays on the bounds."""
    if not bounded(low, high):
        return "niet te begrenzen"
    text = f"{signed_amount(record, low)} tot {signed_amount(record, high)}"
    return f"{text} {unit_suffix(record)}" if unit else text


# --- one effect -------------------------------------------------------------------------------------------


def effect_label(record: dict) -> str:
    """The indicator as tables and charts name it: a budget effect says so beside real effects."""
    return record["label"] + (" (budgeteffect)" if record["budget_effect"] else "")


def caution_sentence(code: str | None, record: dict | None = None) -> str:
    """The caution in one sentence; fragile trends with the breakdown of the record, so that 6% and 81% do
    not read alike."""
    if not code:
        return ""
    breakdown = (record or {}).get("breakdown", math.nan)
    if code == "trends_fragile" and breakdown is not None and math.isfinite(breakdown):
        return (f"Lees met voorzichtigheid: lopen de trends na de start al {number(100 * breakdown, 0)}% zo sterk "
                "uiteen als voor de start, dan is het effect niet meer aantoonbaar.")
    return f"Lees met voorzichtigheid: {CAUTION_TEXTS[code]}."


def verdict_phrase(record: dict) -> str:
    """'waarschijnlijk gedaald (gunstig)', 'geen aantoonbaar verschil' — for tables and overviews."""
    text = VERDICT_LABELS[record["verdict"]]
    if record.get("assessment"):
        text += f" ({ASSESSMENT_LABELS[record['assessment']]})"
    return text


def effect_sentence(record: dict) -> str:
    """One or two sentences about one indicator that match the estimate's sign, size and interval."""
    label, verdict = record["label"], record["verdict"]
    if verdict == "te_weinig":
        return f"Te weinig gegevens om iets te zeggen over {lower_first(label)}."
    if verdict == "onbetrouwbaar":
        return (f"Over {lower_first(label)} valt geen betrouwbare uitspraak te doen: de deelnemende gemeenten en "
                "de vergelijkingsgemeenten liepen al voor de start uiteen.")
    low, high = record["ci_low"], record["ci_high"]
    if verdict == "geen_verschil":
        if not bounded(low, high):
            return (f"{label}: geen aantoonbaar verschil. De marge is niet te begrenzen: de gegevens sluiten geen "
                    "enkele grootte van het effect uit.")
        return (f"{label}: geen aantoonbaar verschil. Een daling van meer dan {_size(record, low)} of een stijging "
                f"van meer dan {_size(record, high)} is onwaarschijnlijk.")
    word, more = ("gedaald", "minder") if verdict == "gedaald" else ("gestegen", "meer")
    # a cause is named only for an effect without caution (one municipality, fragile trends, ...)
    cause = (" door de financieringsafspraak (budgeteffect)" if record["budget_effect"]
             else "" if record.get("cautions") else " door het initiatief")
    relative = record.get("relative", math.nan)
    # a share of a percentage ('1,1 procentpunt, 11% minder') reads as a second, different change: left out
    share = (f", {number(abs(relative), 0)}% {more}" if relative is not None and math.isfinite(relative)
             and record["unit"] not in ("procent", "procentpunt") else "")
    near, far = sorted([abs(low), abs(high)])
    near_number = number(near, shown_decimals(record, near))
    near_text = f"{EURO}{near_number}" if record["unit"] == "euro" else near_number
    text = (f"{label}: waarschijnlijk {word}{cause}, {_size(record, record['estimate'])} {more} dan zonder "
            f"het initiatief verwacht{share} (marge {near_text} tot {_size(record, far)} {more}).")
    if record["budget_effect"]:
        text += " Dat zegt wat de afspraak deed, niet wat de samenwerking opleverde."
    elif record.get("assessment") in ("gunstig", "ongunstig"):
        text += f" Dat is {record['assessment']}."
    elif record.get("assessment") == "ambigu":
        text += " Of dat gunstig is, hangt af van de reden; dat is aan de stuurgroep."
    return text


def short_finding(record: dict) -> str:
    """The finding for the kernboodschap: verdict, size, margin, direction and caution in one short sentence."""
    if record["verdict"] not in SHOWN:
        return effect_sentence(record)
    more = "minder" if record["verdict"] == "gedaald" else "meer"
    text = (f"{record['label']}: {VERDICT_LABELS[record['verdict']]}, {_size(record, record['estimate'])} {more} dan "
            f"verwacht (marge {margin(record, record['ci_low'], record['ci_high'], unit=False)}). "
            f"{upper_first(ASSESSMENT_LABELS[record['assessment']])}.")
    caution = caution_sentence(record.get("caution"), record)
    return f"{text} {caution}".strip()


# --- overviews: counts and Quintuple Aim coverage -------------------------------------------------------


def counts(records: list[dict]) -> dict[str, int]:
    """Indicators per kind of conclusion: gunstig, ongunstig, ambigu, budgeteffect, geen_verschil, geen_uitspraak."""
    out = dict.fromkeys(("gunstig", "ongunstig", "ambigu", "budgeteffect", "geen_verschil", "geen_uitspraak",
                         "voorzichtig"), 0)
    for r in records:
        if r["verdict"] in SHOWN:
            out[r["assessment"]] += 1
            out["voorzichtig"] += bool(r.get("caution"))
        elif r["verdict"] == "geen_verschil":
            out["geen_verschil"] += 1
        else:
            out["geen_uitspraak"] += 1
    return out


COUNT_WORDS = {"gunstig": ("gunstig effect", "gunstige effecten"),
               "ongunstig": ("ongunstig effect", "ongunstige effecten"),
               "ambigu": ("effect dat niet eenduidig gunstig is", "effecten die niet eenduidig gunstig zijn"),
               "budgeteffect": ("budgeteffect", "budgeteffecten"),
               "geen_verschil": ("indicator zonder aantoonbaar verschil", "indicatoren zonder aantoonbaar verschil"),
               "geen_uitspraak": ("indicator zonder betrouwbare uitspraak", "indicatoren zonder betrouwbare uitspraak")}


def findings_line(records: list[dict], n_treated: int | None = None) -> str:
    """'2 gunstige effecten, 1 budgeteffect, 3 indicatoren zonder aantoonbaar verschil; 1 daarvan met
    voorzichtigheid te lezen', and with one municipality that its effects are indications."""
    tally = counts(records)
    parts = [plural(tally[k], *COUNT_WORDS[k]) for k in COUNT_WORDS if tally[k]]
    text = ", ".join(parts) if parts else "geen indicatoren"
    careful, shown = tally["voorzichtig"], sum(r["verdict"] in SHOWN for r in records)
    if careful:
        which = ("" if shown == 1 else "beide " if careful == shown == 2 else f"alle {shown} " if careful == shown
                 else f"{careful} daarvan ")
        text += f"; {which}met voorzichtigheid te lezen"
    if n_treated == 1 and shown:
        text += "; één deelnemende gemeente: een aanwijzing, geen bewijs"
    return text


def domain_status(records: list[dict], domain: str) -> str:
    """What the evidence says about one Quintuple Aim goal, with direction and caution."""
    related = [r for r in records if domain in r["domains"]]
    if not related:
        return "niet gemeten"
    shown = [r for r in related if r["verdict"] in SHOWN]
    if shown:
        parts = []
        for r in shown:
            arrow = "↓" if r["verdict"] == "gedaald" else "↑"
            part = f"{arrow} {lower_first(r['label'])} ({ASSESSMENT_LABELS[r['assessment']]}"
            parts.append(part + ("; lees met voorzichtigheid)" if r.get("caution") else ")"))
        return "; ".join(parts)
    unsure = [r for r in related if r["verdict"] in ("onbetrouwbaar", "te_weinig")]
    if len(unsure) == len(related):
        return "gemeten, geen betrouwbare uitspraak"
    if not unsure:
        return "gemeten, geen aantoonbaar verschil"
    def named(rows):
        return join_words([lower_first(r["label"]) for r in rows])
    return (f"gemeten: geen aantoonbaar verschil voor {named([r for r in related if r not in unsure])}; geen "
            f"betrouwbare uitspraak over {named(unsure)}")


def coverage_sentence(records: list[dict]) -> str:
    covered = {d for r in records for d in r["domains"]}
    missing = [DOMAIN_LABELS[d] for d in DOMAIN_LABELS if d not in covered]
    text = f"De indicatoren gaan over {join_words([DOMAIN_LABELS[d] for d in DOMAIN_LABELS if d in covered])}"
    return text + (f"; over {join_words(missing)} zegt deze evaluatie niets." if missing else ".")
