from datetime import date

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anvt import phones
from anvt.forms import DateInput, LanguagePairsFormSet
from volunteers.enums import DOCUMENTS_WITH_EXPIRY, DocumentKind, NationalityStatus
from volunteers.models import Document, Experience, ProfileLanguage, VolunteerProfile
from volunteers.uploads import check_upload, sanitised

EARLIEST_BIRTH_DATE = date(1950, 1, 1)


class IdentityForm(forms.ModelForm):
    class Meta:
        model = VolunteerProfile
        fields = ["first_name", "last_name", "birth_date", "gender", "nationality_status"]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["birth_date"].widget.attrs["autocomplete"] = "bday"

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise forms.ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        if birth_date < EARLIEST_BIRTH_DATE:
            raise forms.ValidationError(
                _("La date de naissance ne peut pas être antérieure au 1er janvier 1950.")
            )
        return birth_date


class ContactForm(forms.ModelForm):
    phone = forms.CharField(
        label=_("Téléphone"),
        max_length=32,
        help_text=_(
            "Au Togo : 90 12 34 56. Ailleurs : avec l'indicatif du pays, ex. +33 6 12 34 56 78."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    class Meta:
        model = VolunteerProfile
        fields = ["country_of_residence", "region", "city", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country_of_residence"].required = True
        self.fields["city"].required = True
        self.fields["region"].help_text = _("Pour les personnes qui résident au Togo.")
        if self.instance.phone and not self.is_bound:
            country = str(self.instance.country_of_residence or phones.DEFAULT_REGION)
            self.initial["phone"] = phones.display(self.instance.phone, country)

    def clean_phone(self):
        """Stored in E.164; a number without its country code is read in the country of
        residence (Togo when none is given)."""
        country = str(self.cleaned_data.get("country_of_residence") or phones.DEFAULT_REGION)
        phone = phones.parse(self.cleaned_data["phone"], country)
        if phone is None:
            raise forms.ValidationError(
                _(
                    "Ce numéro n'existe pas. Au Togo, écrivez ses 8 chiffres (90 12 34 56) ; "
                    "ailleurs, commencez par l'indicatif du pays (+33 6 12 34 56 78)."
                )
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        resident = self.instance.nationality_status == NationalityStatus.TOGOLESE_RESIDENT
        if resident and not cleaned.get("region"):
            self.add_error("region", _("Indiquez votre région : vous résidez au Togo."))
        return cleaned


class LanguageForm(forms.ModelForm):
    class Meta:
        model = ProfileLanguage
        fields = ["language", "level"]


LanguageFormSet = forms.inlineformset_factory(
    VolunteerProfile,
    ProfileLanguage,
    form=LanguageForm,
    formset=LanguagePairsFormSet,
    extra=2,
    max_num=8,
    absolute_max=8,  # a forged TOTAL_FORMS never builds more rows than these
    can_delete=True,
)


class EducationForm(forms.ModelForm):
    class Meta:
        model = VolunteerProfile
        fields = ["education_level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["education_level"].required = True


class ConsentForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Langue des messages que vous recevez"), choices=settings.LANGUAGES
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que l'ANVT traite mes données personnelles pour examiner mes "
            "candidatures, conformément à la loi n° 2019-014 relative à la protection des "
            "données à caractère personnel."
        ),
        error_messages={"required": _("Votre consentement est nécessaire pour candidater.")},
    )


class UploadField(forms.FileField):
    """A file checked by its content (PDF, JPEG, PNG) and its size."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("PDF, JPEG ou PNG, 5 Mo au plus."))
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "content_type") and upload is data:
            content_type = check_upload(upload)
            upload.checked_content_type = content_type
            return sanitised(upload, content_type)
        return upload


class ExperienceForm(forms.ModelForm):
    proof = UploadField(label=_("Justificatif (document scanné)"), required=False)

    class Meta:
        model = Experience
        fields = [
            "organisation",
            "programme",
            "role",
            "country",
            "start_date",
            "end_date",
            "description",
            "proof",
            "referee_name",
            "referee_role",
            "referee_email",
            "referee_phone",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "referee_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "referee_email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "referee_name": _(
                "La personne de la structure qui peut attester votre engagement : elle recevra "
                "un lien par e-mail, sans compte à créer."
            ),
        }

    def __init__(self, *args, volunteer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.volunteer = volunteer

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        today = timezone.localdate()
        if start and start > today:
            self.add_error("start_date", _("Une expérience ne peut pas commencer dans le futur."))
        if start and start < EARLIEST_BIRTH_DATE:
            self.add_error("start_date", _("Cette date est trop ancienne."))
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin précède la date de début."))
        email = (cleaned.get("referee_email") or "").strip().lower()
        if email and self.volunteer is not None and email == self.volunteer.email.lower():
            self.add_error(
                "referee_email",
                _(
                    "L'attestation doit venir de la structure d'accueil : donnez l'adresse de "
                    "votre référent·e, pas la vôtre."
                ),
            )
        if email and not (cleaned.get("referee_name") or "").strip():
            self.add_error("referee_name", _("Indiquez le nom de la personne à qui écrire."))
        return cleaned


class DocumentForm(forms.ModelForm):
    file = UploadField(label=_("Fichier"))

    class Meta:
        model = Document
        fields = ["kind", "expiry_date", "file"]
        widgets = {"expiry_date": DateInput()}
        help_texts = {
            "expiry_date": _("Pour une pièce d'identité, un passeport ou un certificat médical.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The mobility file's pieces are added from its own page, item by item.
        self.fields["kind"].choices = [
            choice for choice in self.fields["kind"].choices if choice[0] != DocumentKind.MOBILITY
        ]

    def clean(self):
        cleaned = super().clean()
        kind, expiry = cleaned.get("kind"), cleaned.get("expiry_date")
        if kind in DOCUMENTS_WITH_EXPIRY and not expiry:
            self.add_error("expiry_date", _("Indiquez la date d'expiration de ce document."))
        if kind and kind not in DOCUMENTS_WITH_EXPIRY:
            cleaned["expiry_date"] = None
        return cleaned


class ReplaceDocumentForm(forms.ModelForm):
    file = UploadField(label=_("Nouveau fichier"))

    class Meta:
        model = Document
        fields = ["expiry_date", "file"]
        widgets = {"expiry_date": DateInput()}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not hasattr(upload, "checked_content_type"):  # the stored file, not a new upload
            raise forms.ValidationError(_("Choisissez le nouveau fichier."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.instance.kind in DOCUMENTS_WITH_EXPIRY and not cleaned.get("expiry_date"):
            self.add_error("expiry_date", _("Indiquez la date d'expiration de ce document."))
        return cleaned
