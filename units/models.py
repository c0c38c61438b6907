from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .querysets import RegionQuerySet, UnitQuerySet


class Region(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        DISTRICT = "district", _("区/县级市")
        TOWN = "town", _("镇街")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    division_code = models.CharField(
        _("行政区划代码"), max_length=12, blank=True, help_text=_("GB/T 2260 行政区划代码，如 440700（江门市）")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区")
        verbose_name_plural = _("行政区")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        return self.name.removesuffix("市") if self.kind == self.Kind.CITY else self.name


class Unit(models.Model):
    """A responsible unit (责任单位): a department, a division, a district or a town office."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("市直部门")
        DIVISION = "division", _("内设机构/直属单位")
        DISTRICT = "district", _("区/县级市")
        TOWN = "town", _("镇街")
        OTHER = "other", _("其他")
        # 各镇街, 各区, 各县（市、区）: one name on the ledger for every unit of a kind in the
        # region. A measure holds it as one responsibility; its members are found when read
        # (units.collectives), so a town added later answers for the measure too.
        COLLECTIVE = "collective", _("统称（各镇街、各区等）")

    region = models.ForeignKey(Region, verbose_name=_("所属地区"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.BUREAU)
    member_kind = models.CharField(
        _("统称的单位类型"), max_length=10, blank=True,
        choices=[(Kind.DISTRICT.value, Kind.DISTRICT.label), (Kind.TOWN.value, Kind.TOWN.label)],
        help_text=_("统称（如“各镇街”）所指的单位类型：所属地区及其下级地区中这一类型的每个单位"),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["region_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region"),
            models.CheckConstraint(
                condition=Q(kind="collective", member_kind__in=["district", "town"])
                | (~Q(kind="collective") & Q(member_kind="")),
                name="unit_collective_has_member_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_collective(self) -> bool:
        return self.kind == self.Kind.COLLECTIVE


class UnitAlias(models.Model):
    """Another name of a unit in the same region (市人社局 = 市人力资源和社会保障局)."""

    region = models.ForeignKey(Region, verbose_name=_("所属地区"), on_delete=models.CASCADE, related_name="unit_aliases")
    name = models.CharField(_("别名"), max_length=100)
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="alias_unique_name_in_region")]

    def __str__(self) -> str:
        return f"{self.name} → {self.unit.name}"


class Membership(models.Model):
    """A user's role in a unit. What a user may see and change follows from these rows."""

    class Role(models.TextChoices):
        STAFF = "staff", _("填报员")
        REVIEWER = "reviewer", _("审核员")
        LEADER = "leader", _("领导")
        ADMIN = "admin", _("管理员")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)

    # Who was given which role, by whom, and when it was taken away (#16.7).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["staff", "reviewer", "leader", "admin"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"
