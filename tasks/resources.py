from import_export import fields, widgets

from units.resources import FormulaSafeResource

from .models import Programme


class ProgrammeResource(FormulaSafeResource):
    code = fields.Field(attribute="code", column_name="代码")
    name = fields.Field(attribute="name", column_name="名称")
    parent = fields.Field(attribute="parent", column_name="上级", widget=widgets.ForeignKeyWidget(Programme, "code"))
    order = fields.Field(attribute="order", column_name="排序", widget=widgets.IntegerWidget())

    class Meta:
        model = Programme
        import_id_fields = ("code",)
        fields = ("code", "name", "parent", "order")
        skip_unchanged = True
