"""The admins' page for API tokens: issue one for a user of their cities (shown once), list
them, revoke. A city's admins manage the tokens of its people; the province's, everyone's."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from units.access import scope_for
from units.models import Membership, Region

from .models import ApiToken
from .services import api_token_issue, api_token_revoke


def _admin_scope(user):
    scope = scope_for(user)
    if Membership.Role.ADMIN not in scope.roles:
        raise PermissionDenied
    return scope


def manageable_users(user):
    """The people whose tokens the admin manages: anyone with a role in one of his cities."""
    scope = _admin_scope(user)
    users = get_user_model().objects.filter(is_active=True)
    if scope.superuser or (scope.all_cities and Membership.Role.ADMIN in scope.roles):
        return users
    cities = scope.cities_by_role.get(Membership.Role.ADMIN, frozenset())
    regions = Region.objects.filter(pk__in=cities).values("pk")
    in_city = Membership.objects.filter(unit__region_id__in=regions) | Membership.objects.filter(unit__region__parent_id__in=regions)
    return users.filter(pk__in=in_city.values("user_id")).distinct()


class TokenIssueForm(forms.Form):
    user = forms.ModelChoiceField(label=gettext_lazy("用户"), queryset=get_user_model().objects.none(),
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    name = forms.CharField(label=gettext_lazy("用途"), max_length=100,
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    days = forms.IntegerField(label=gettext_lazy("有效天数"), min_value=1, initial=90,
                              widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
    read_only = forms.BooleanField(label=gettext_lazy("只读"), required=False, initial=True)

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = manageable_users(admin).order_by("username")
        self.fields["days"].validators.append(MaxValueValidator(settings.API_TOKEN_MAX_DAYS))
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    users = manageable_users(request.user)
    issued = None
    if request.method == "POST":
        form = TokenIssueForm(request.POST, admin=request.user)
        if form.is_valid():
            issued = api_token_issue(user=form.cleaned_data["user"], name=form.cleaned_data["name"],
                                     days=form.cleaned_data["days"], read_only=form.cleaned_data["read_only"],
                                     issued_by=request.user)
            form = TokenIssueForm(admin=request.user)
    else:
        form = TokenIssueForm(admin=request.user)
    tokens = ApiToken.objects.filter(user__in=users).select_related("user", "created_by", "revoked_by")[:500]
    # The new token is in this response only: not stored, not put in a message or the URL.
    response = render(request, "api/tokens.html", {"form": form, "tokens": tokens, "issued": issued})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user__in=manageable_users(request.user)), pk=pk)
    api_token_revoke(token=token, revoked_by=request.user)
    messages.success(request, _("令牌 %(prefix)s… 已吊销。") % {"prefix": token.prefix})
    return redirect("api:tokens")
