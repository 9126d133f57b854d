"""Labels of the interventions and risks (translatable)."""

from django.utils.translation import gettext_lazy as _

INTERVENTION_LABELS = {
    "pmt": _("PMT"),
    "protein": _("Protein package"),
    "tpk_visit": _("TPK visit"),
    "wash": _("Water/sanitation upgrade"),
    "referral": _("Referral"),
}
INTERVENTION_HELP = {
    "pmt": _("Supplementary feeding for a wasted, underweight or faltering child."),
    "protein": _("A protein package from the food reserve for a family at risk."),
    "tpk_visit": _("A visit of the family assistance team to a family at risk."),
    "wash": _("An upgrade project for a household without layak water or sanitation."),
    "referral": _("A referral for a severely wasted, severely stunted, 2T or BGM child."),
}
RISK_LABELS = {
    "stunted": _("stunted"),
    "wasted": _("wasted"),
    "underweight": _("underweight"),
    "faltering": _("not gaining weight"),
    "bgm": _("below the red line"),
    "family_at_risk": _("family at risk"),
}
