"""Import/export of units and their aliases, in the columns bureaus keep them in."""

from import_export import fields, resources, widgets

from .models import Region, Unit, UnitAlias


# Text that a spreadsheet would take for a formula: =, +, -, @ first (and a tab or carriage
# return before one). A user's text starting so must never run in the reader's Excel. Here, in
# the lowest app, so that every export of the project (tables, admin, ledger) shares it.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Text that looks like a formula, with Excel's own text mark (') in front; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class FormulaSafeResource(resources.ModelResource):
    """Exports from the Django admin never hand Excel a formula: a text cell starting with
    =, +, -, @ (or a tab) is written with a leading apostrophe, as OWASP advises for CSV and
    as Excel itself marks text; an import of that file takes the apostrophe off again, so an
    export imported back changes nothing. Every admin resource of the project derives from it."""

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        for key, value in list(row.items()):
            if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
                row[key] = value[1:]


class CityWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if not value:
            raise ValueError("城市不能为空")
        try:
            return Region.objects.get_by_name(str(value))
        except Region.DoesNotExist:
            raise ValueError(f"城市“{value}”不存在") from None

    def render(self, value, obj=None, **kwargs):
        return value.short_name if value else ""


class UnitResource(FormulaSafeResource):
    region = fields.Field(attribute="region", column_name="城市", widget=CityWidget())
    name = fields.Field(attribute="name", column_name="名称")
    kind = fields.Field(attribute="kind", column_name="类型")
    parent = fields.Field(column_name="上级")
    aliases = fields.Field(column_name="别名")

    class Meta:
        model = Unit
        import_id_fields = ("region", "name")
        fields = ("region", "name", "kind", "parent", "aliases")
        skip_unchanged = True
        use_bulk = False

    def before_import_row(self, row, **kwargs):
        if row.get("类型") and row["类型"] not in Unit.Kind.values:
            raise ValueError(f"类型“{row['类型']}”无效，应为 {', '.join(Unit.Kind.values)} 之一")

    def dehydrate_parent(self, unit):
        return unit.parent.name if unit.parent_id else ""

    def dehydrate_aliases(self, unit):
        return "|".join(alias.name for alias in unit.aliases.all())

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        parent_name = (row.get("上级") or "").strip()
        instance.parent = Unit.objects.get(region=instance.region, name=parent_name) if parent_name else None

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        for alias in filter(None, (name.strip() for name in (row.get("别名") or "").split("|"))):
            if alias != instance.name:
                UnitAlias.objects.update_or_create(
                    region=instance.region, name=alias, defaults={"unit": instance}
                )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Aliases may be new even when the unit is unchanged: never skip a row that brings one.
        aliases = {name.strip() for name in (row.get("别名") or "").split("|") if name.strip()} - {instance.name}
        if original and original.pk:
            known = set(original.aliases.values_list("name", flat=True))
            if aliases - known:
                return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def get_queryset(self):
        return Unit.objects.select_related("region", "parent").prefetch_related("aliases")


class UnitAliasResource(FormulaSafeResource):
    region = fields.Field(attribute="region", column_name="城市", widget=CityWidget())
    name = fields.Field(attribute="name", column_name="别名")
    unit = fields.Field(attribute="unit", column_name="单位", widget=widgets.ForeignKeyWidget(Unit, "name"))

    class Meta:
        model = UnitAlias
        import_id_fields = ("region", "name")
        fields = ("region", "name", "unit")
