"""Registry forms: validate at the edge, say what is wrong and where, in the user's language.

Dates are typed as dd-mm-yyyy or picked with the browser's date picker (which sends ISO
dates); numbers accept a decimal comma. NIK format errors are field errors; NIK consistency
warnings and duplicate warnings must be confirmed with a check box whose value is a digest of
exactly what was shown, so a confirmation never covers a warning the user has not seen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from tumbuh.accounts.scope import posyandu_for
from tumbuh.areas.models import Area
from tumbuh.lib.forms import DecimalCommaField

from . import nik as nik_rules
from . import services
from .models import Child, Household, Person, Pregnancy, Sex

#: Dates typed by hand (dd-mm-yyyy first) or sent by the browser's date picker (ISO).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%y"]


DATE_ERROR = _("Enter the date as dd-mm-yyyy, for example 17-08-2024.")


class DateInput(forms.DateInput):
    """The browser's date picker; browsers without one show a text box for dd-mm-yyyy."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "dd-mm-yyyy", **(attrs or {})}, format="%Y-%m-%d")


class DateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DateInput)
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("error_messages", {"invalid": DATE_ERROR})
        super().__init__(**kwargs)


class FloatCommaField(DecimalCommaField):
    """A measured value typed with a comma or a point, kept in ``low``..``high`` (a float)."""

    def __init__(self, *, low: str, high: str, range_message, **kwargs):
        self.low, self.high, self.range_message = Decimal(low), Decimal(high), range_message
        kwargs.setdefault("required", False)
        super().__init__(decimal_places=3, **kwargs)

    def clean(self, value):
        number = super().clean(value)
        if number is None:
            return None
        if not self.low <= number <= self.high:
            raise ValidationError(
                self.range_message,
                code="out_of_range",
                params={"low": number_format(self.low), "high": number_format(self.high)},
            )
        return float(number)


def digest(items) -> str:
    """A short fingerprint of the warnings or candidates a confirmation box stands for."""
    text = "\n".join(str(item) for item in items)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def clean_digits(value: str | None) -> str:
    return nik_rules.normalize(value)


def relax_max_length(form: forms.Form, lengths: dict[str, int]) -> None:
    """Let a field take a longer raw value (spaces, dots) that ``clean_<field>`` shortens."""
    from django.core.validators import MaxLengthValidator

    for name, length in lengths.items():
        field = form.fields[name]
        field.max_length = length
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.widget.attrs["maxlength"] = str(length)


class RegistryForm(forms.ModelForm):
    """Common set-up: labels above fields, no colon; an optional client-made UUID on create.

    A create form carries the record's UUID in a hidden field (made by the server, or by an
    offline client), so sending the same form twice on a weak connection saves it only once.
    """

    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            self.fields["client_id"].initial = uuid.uuid4()
        else:
            del self.fields["client_id"]

    def clean_client_id(self):
        value = self.cleaned_data.get("client_id")
        if value and type(self.instance)._default_manager.filter(pk=value).exists():
            raise ValidationError(_("This record was already saved."), code="already_saved")
        return value

    def save(self, commit=True):
        client_id = self.cleaned_data.get("client_id")
        if client_id and self.instance._state.adding:
            self.instance.pk = client_id
        return super().save(commit=commit)


# --- household ------------------------------------------------------------------------------


class HouseholdForm(RegistryForm):
    class Meta:
        model = Household
        fields = [
            "head_name", "kk_number", "address", "rt", "rw", "posyandu", "kelurahan", "phone",
            "water_source", "sanitation", "wastewater", "wash_checked_on", "tpk_team",
        ]  # fmt: skip
        widgets = {
            "kk_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "rt": forms.TextInput(attrs={"inputmode": "numeric", "size": 3}),
            "rw": forms.TextInput(attrs={"inputmode": "numeric", "size": 3}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        field_classes = {"wash_checked_on": DateField}
        help_texts = {
            "wash_checked_on": _("The day water, latrine and grey water were last seen."),
            "kk_number": _("16 digits, on the family card (Kartu Keluarga). Optional."),
            "kelurahan": _("Leave empty to use the posyandu's kelurahan."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from tumbuh.accounts.models import TpkTeam

        posyandu = posyandu_for(self.user).filter(
            Q(is_active=True) | Q(pk=self.instance.posyandu_id)
        )
        self.fields["posyandu"].queryset = posyandu
        self.fields["posyandu"].empty_label = None if posyandu.count() == 1 else "—"
        kelurahan_codes = posyandu.values_list("kelurahan_id", flat=True)
        self.fields["kelurahan"].queryset = Area.objects.filter(
            code__in=kelurahan_codes, level=Area.Level.VILLAGE
        )
        self.fields["kelurahan"].required = False
        self.fields["tpk_team"].queryset = TpkTeam.objects.filter(kelurahan_id__in=kelurahan_codes)
        for name in ("rt", "rw"):
            self.fields[name].help_text = _("Up to 3 digits.")
        # People type spaces and dots: the length is checked after they are removed.
        relax_max_length(self, {"kk_number": 24, "rt": 8, "rw": 8})

    def save(self, commit=True):
        # tumbuh.wash records who changed water / sanitation (its save receiver reads this)
        self.instance._wash_user = self.user
        return super().save(commit=commit)

    def clean_kk_number(self):
        value = clean_digits(self.cleaned_data.get("kk_number"))
        if value and not re.fullmatch(r"\d{16}", value):
            raise ValidationError(
                _("A KK number has exactly 16 digits; got %(count)d characters."),
                params={"count": len(value)},
            )
        return value

    def _clean_rt_rw(self, name):
        value = (self.cleaned_data.get(name) or "").strip()
        if value and not (value.isdigit() and int(value) <= 999):
            raise ValidationError(_("Write only the number, for example 003."))
        return f"{int(value):03d}" if value else ""

    def clean_rt(self):
        return self._clean_rt_rw("rt")

    def clean_rw(self):
        return self._clean_rt_rw("rw")

    def clean(self):
        data = super().clean()
        if data.get("posyandu") and not data.get("kelurahan"):
            data["kelurahan"] = data["posyandu"].kelurahan
        return data


# --- NIK ----------------------------------------------------------------------------------------


class NikMixin:
    """Checks a NIK: format (field errors), uniqueness, then consistency (to confirm)."""

    nik_warnings: list[str]

    def relax_nik_length(self) -> None:
        relax_max_length(self, {"nik": 24})

    def clean_nik(self):
        value = clean_digits(self.cleaned_data.get("nik"))
        errors = nik_rules.format_errors(value)
        if errors:
            raise ValidationError(errors)
        return value

    def nik_consistency(self, data) -> list[str]:
        value = data.get("nik")
        if not value or "nik" in self.errors:
            return []
        region = f"{value[0:2]}.{value[2:4]}.{value[4:6]}"
        known = None
        if Area.objects.filter(level=Area.Level.DISTRICT).exists():
            known = set(Area.objects.filter(code=region).values_list("code", flat=True))
        return nik_rules.consistency_warnings(
            value, birth_date=data.get("birth_date"), sex=data.get("sex"),
            known_region_codes=known,
        )  # fmt: skip

    def require_confirmation(self, field: str, items: list, message) -> bool:
        """True when ``items`` (warnings or candidates) are there and not yet confirmed."""
        if not items:
            return False
        if (self.data.get(self.add_prefix(field)) or "") == digest(items):
            return False
        self.add_error(None, ValidationError(message, code=field))
        return True


class PersonForm(NikMixin, RegistryForm):
    """A household member: a mother, a pregnant woman, another adult or adolescent."""

    confirm_nik = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Person
        fields = ["name", "sex", "birth_date", "nik", "phone"]
        widgets = {
            "sex": forms.RadioSelect,
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        field_classes = {"birth_date": DateField}
        help_texts = {"nik": _("16 digits, on the identity card (KTP) or KK. Optional.")}

    def __init__(self, *args, household: Household, **kwargs):
        self.household = household
        super().__init__(*args, **kwargs)
        self.instance.household = household
        self.nik_warnings = []
        self.nik_people: list = []
        self.nik_hidden = 0
        self.relax_nik_length()
        self.fields["sex"].choices = [(Sex.MALE, _("Male")), (Sex.FEMALE, _("Female"))]

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise ValidationError(_("The birth date is in the future."))
        return value

    def clean(self):
        data = super().clean()
        value = data.get("nik")
        if value:
            people, hidden = services.nik_holders(value, user=self.user,
                                                  exclude_person=self.instance)  # fmt: skip
            if people or hidden:
                self.nik_people, self.nik_hidden = people, hidden
                self.add_error("nik", _("This NIK is already registered for another person."))
        self.nik_warnings = self.nik_consistency(data)
        self.require_confirmation(
            "confirm_nik", self.nik_warnings,
            _("Check the NIK: it does not match what was entered. Correct it, or confirm below."),
        )  # fmt: skip
        return data

    def validate_unique(self):
        # NIK uniqueness is checked in clean() with a message that names no one out of scope.
        exclude = self._get_validation_exclusions()
        exclude.add("nik")
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as e:
            self._update_errors(e)

    @property
    def nik_digest(self) -> str:
        return digest(self.nik_warnings)


# --- child --------------------------------------------------------------------------------------


class ChildForm(NikMixin, RegistryForm):
    confirm_nik = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm_different = forms.CharField(required=False, widget=forms.HiddenInput)
    birth_weight_kg = FloatCommaField(
        label=_("Birth weight (kg)"), low="0.3", high="7",
        range_message=_("Enter the birth weight in kilograms, between %(low)s and %(high)s."),
    )  # fmt: skip
    birth_length_cm = FloatCommaField(
        label=_("Birth length (cm)"), low="20", high="65",
        range_message=_("Enter the birth length in centimetres, between %(low)s and %(high)s."),
    )  # fmt: skip

    class Meta:
        model = Child
        fields = [
            "name", "sex", "birth_date", "nik", "mother", "posyandu", "birth_weight_kg",
            "birth_length_cm", "has_kia_book",
        ]  # fmt: skip
        widgets = {
            "sex": forms.RadioSelect,
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }
        field_classes = {"birth_date": DateField}
        help_texts = {
            "nik": _("16 digits, on the KK or birth certificate. Newborns often have none."),
        }

    def __init__(self, *args, household: Household, **kwargs):
        self.household = household
        super().__init__(*args, **kwargs)
        self.instance.household = household
        self.nik_warnings = []
        self.duplicates = services.DuplicateCheck()
        self.relax_nik_length()
        self.fields["sex"].choices = [(Sex.MALE, _("Boy")), (Sex.FEMALE, _("Girl"))]
        self.fields["mother"].queryset = household.members.filter(sex=Sex.FEMALE)
        self.fields["mother"].empty_label = _("(not registered)")
        current = self.instance.posyandu_id or household.posyandu_id
        self.fields["posyandu"].queryset = posyandu_for(self.user).filter(
            Q(is_active=True) | Q(pk=current)
        )
        self.fields["posyandu"].empty_label = None
        if self.instance._state.adding:
            self.fields["posyandu"].initial = household.posyandu_id

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value is None:
            return value
        today = timezone.localdate()
        if value > today:
            raise ValidationError(_("The birth date is in the future."))
        if value < services.under_five_cutoff(today) - dt.timedelta(days=366):
            raise ValidationError(
                _("The child is over six years old; the registry follows children under five.")
            )
        return value

    def clean(self):
        data = super().clean()
        check_similar = self.instance._state.adding
        self.duplicates = services.find_duplicate_children(
            user=self.user, name=data.get("name") or "", birth_date=data.get("birth_date"),
            nik=data.get("nik") or "", mother=data.get("mother"), household=self.household,
            exclude=self.instance,
        )  # fmt: skip
        nik = data.get("nik")
        if self.duplicates.nik_taken:
            self.add_error("nik", _("This NIK is already registered for another child."))
        elif nik and nik == self.household.kk_number:
            self.add_error("nik", _("This is the household's KK number, not the child's NIK."))
        elif nik and services.nik_holders(nik, user=self.user) != ([], 0):
            self.add_error("nik", _("This NIK belongs to an adult; enter the child's own NIK."))
        self.nik_warnings = self.nik_consistency(data)
        self.require_confirmation(
            "confirm_nik", self.nik_warnings,
            _("Check the NIK: it does not match what was entered. Correct it, or confirm below."),
        )  # fmt: skip
        if check_similar:
            self.require_confirmation(
                "confirm_different", self._similar_items(),
                _("This child may already be registered. Check the list below."),
            )  # fmt: skip
        return data

    @property
    def nik_digest(self) -> str:
        return digest(self.nik_warnings)

    def _similar_items(self) -> list:
        """What the "different child" box confirms: the candidates shown, and the hidden count."""
        items: list = [c.pk for c in self.duplicates.similar]
        if self.duplicates.similar_hidden:
            items.append(f"hidden:{self.duplicates.similar_hidden}")
        return items

    @property
    def similar_digest(self) -> str:
        return digest(self._similar_items())

    @property
    def show_similar(self) -> bool:
        return self.instance._state.adding and self.duplicates.has_similar


# --- pregnancy ----------------------------------------------------------------------------------

#: An ongoing pregnancy is registered within this many weeks of its HPHT.
MAX_GESTATION_WEEKS = services.MAX_GESTATION_WEEKS


class PregnancyForm(RegistryForm):
    pre_pregnancy_weight_kg = FloatCommaField(
        label=_("Weight before pregnancy (kg)"), low="25", high="200",
        range_message=_("Enter the weight in kilograms, between %(low)s and %(high)s."),
    )  # fmt: skip
    height_cm = FloatCommaField(
        label=_("Height (cm)"), low="100", high="210",
        range_message=_("Enter the height in centimetres, between %(low)s and %(high)s."),
    )  # fmt: skip

    class Meta:
        model = Pregnancy
        fields = [
            "woman", "hpht", "hpl", "gravida", "para", "abortus", "posyandu", "height_cm",
            "pre_pregnancy_weight_kg",
        ]  # fmt: skip
        field_classes = {"hpht": DateField, "hpl": DateField}
        widgets = {
            name: forms.NumberInput(attrs={"min": 0, "max": 20, "inputmode": "numeric"})
            for name in ("gravida", "para", "abortus")
        }
        help_texts = {
            "hpl": _("Leave empty: tumbuh computes it as HPHT + 280 days."),
        }

    def __init__(self, *args, household: Household, **kwargs):
        self.household = household
        super().__init__(*args, **kwargs)
        self.fields["woman"].queryset = household.members.filter(sex=Sex.FEMALE)
        self.fields["woman"].empty_label = None
        self.fields["hpl"].required = False
        self.fields["posyandu"].queryset = posyandu_for(self.user).filter(
            Q(is_active=True) | Q(pk=household.posyandu_id)
        )
        self.fields["posyandu"].empty_label = None
        self.fields["posyandu"].initial = household.posyandu_id

    def clean_hpht(self):
        value = self.cleaned_data.get("hpht")
        if value is None:
            return value
        today = timezone.localdate()
        if value > today:
            raise ValidationError(_("The HPHT is in the future."))
        if (today - value).days >= MAX_GESTATION_WEEKS * 7:
            raise ValidationError(
                _("This HPHT is %(weeks)d or more weeks ago; register only ongoing "
                  "pregnancies."), params={"weeks": MAX_GESTATION_WEEKS},
            )  # fmt: skip
        return value

    def clean(self):
        data = super().clean()
        hpht, hpl = data.get("hpht"), data.get("hpl")
        if hpht and hpl and not 238 <= (hpl - hpht).days <= 308:
            self.add_error("hpl", _("The HPL must be 34 to 44 weeks after the HPHT."))
        gravida, para, abortus = (data.get(k) for k in ("gravida", "para", "abortus"))
        if None not in (gravida, para, abortus):
            if gravida < 1:
                self.add_error("gravida", _("Gravida is at least 1: this pregnancy counts."))
            elif para + abortus > gravida - 1:
                message = _("Para plus abortus must be less than gravida (gravida %(g)d counts "
                            "this pregnancy too).")  # fmt: skip
                self.add_error("para", ValidationError(message, params={"g": gravida}))
        woman = data.get("woman")
        if woman and woman.pregnancies.filter(services.ongoing_filter()).exists():
            self.add_error("woman", _("She already has an ongoing pregnancy registered."))
        return data
