from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Theme(models.Model):
    """A field of action of the missions; data, so that staff can add more."""

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name_fr = models.CharField(_("nom (français)"), max_length=150)
    name_en = models.CharField(_("nom (anglais)"), max_length=150)
    description_fr = models.TextField(_("description (français)"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    active = models.BooleanField(_("actif"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "name_fr"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr

    @property
    def description(self) -> str:
        english = (get_language() or "fr").startswith("en")
        return self.description_en if english else self.description_fr
