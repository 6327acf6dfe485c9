from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from wasla.organisations.scoping import scope_for
from wasla.organisations.selectors import memberships_of_user


class MeView(APIView):
    """The signed-in user: identity, language, roles and the offices in their data scope."""

    class MembershipSerializer(serializers.Serializer):
        role = serializers.CharField()
        role_label = serializers.CharField(source="get_role_display")
        organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
        office = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        first_name = serializers.CharField()
        last_name = serializers.CharField()
        email = serializers.EmailField()
        preferred_language = serializers.CharField()
        is_platform_admin = serializers.BooleanField()
        roles = serializers.ListField(child=serializers.CharField())
        office_ids = serializers.ListField(child=serializers.IntegerField())
        memberships = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        user = request.user
        scope = scope_for(user)
        memberships = self.MembershipSerializer(memberships_of_user(user=user), many=True).data
        data = {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "is_platform_admin": scope.is_platform_admin,
            "roles": sorted(scope.roles),
            "office_ids": sorted(scope.office_ids),
            "memberships": memberships,
        }
        return Response(self.OutputSerializer(data).data)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (`Authorization: Token <key>`).

    Failed attempts count towards the same lockout as the sign-in page."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # An account with no role in any organisation has nothing to do through the API.
        if not scope_for(user).can("api.token.obtain"):
            raise PermissionDenied
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
