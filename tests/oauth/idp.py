#!/usr/bin/python3
"""A real OAuth 2.0 authorization server on loopback for ikou's sign-in tests.

Built from Authlib (Debian package python3-authlib) and Flask, not a hand-written stub: the
device authorization grant (RFC 8628), the refresh-token grant, token introspection
(RFC 7662, which Dovecot's oauth2 passdb calls to validate XOAUTH2/OAUTHBEARER tokens) and
revocation (RFC 7009) are Authlib's own endpoint and grant classes. This file only supplies
the storage (in memory) and a few test-only doors under /test/ that play the person at the
browser (approve or deny a user code) and the clock (expire every access token now).

Usage: idp.py PORT_FILE [--interval S] [--code-lifetime S] [--token-lifetime S]
                        [--slow-down-at N]
Prints nothing secret; writes the port it listens on to PORT_FILE once ready.
"""

import argparse
import logging
import os
import secrets
import threading
import time

# Loopback only: Authlib refuses plain HTTP unless told this is a test.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc8628 import (
    DEVICE_CODE_GRANT_TYPE,
    DeviceAuthorizationEndpoint,
    DeviceCodeGrant,
)
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

PUBLIC_CLIENT = "ikou-test-client"
# Dovecot authenticates to the introspection endpoint with this (test-only) secret.
DOVECOT_CLIENT = "dovecot"
DOVECOT_SECRET = "dovecot-introspection-secret"

LOCK = threading.Lock()
DEVICE = {}  # device_code -> dict
GRANTS = {}  # user_code -> (user, approved)
TOKENS = []  # Token objects
STATS = {"device": 0, "device_poll": 0, "refresh": 0, "introspect": 0, "revoked": 0}


class Client:
    def __init__(self, client_id, secret, grant_types, auth_methods):
        self.client_id = client_id
        self.secret = secret
        self.grant_types = grant_types
        self.auth_methods = auth_methods

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return self.secret is not None and secrets.compare_digest(self.secret, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in self.auth_methods

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type in self.grant_types


CLIENTS = {
    PUBLIC_CLIENT: Client(
        PUBLIC_CLIENT, None, [DEVICE_CODE_GRANT_TYPE, "refresh_token"], ["none"]
    ),
    DOVECOT_CLIENT: Client(DOVECOT_CLIENT, DOVECOT_SECRET, [], ["client_secret_basic"]),
}


class Token:
    def __init__(self, client_id, user, data):
        self.client_id = client_id
        self.user = user
        self.access_token = data["access_token"]
        self.refresh_token = data.get("refresh_token")
        self.scope = data.get("scope", "")
        self.expires_in = int(data.get("expires_in", 0))
        self.issued_at = time.time()
        self.revoked = False

    def check_client(self, client):
        return client.get_client_id() == self.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return time.time() >= self.issued_at + self.expires_in

    def is_revoked(self):
        return self.revoked


class DeviceCredential(dict):
    def get_client_id(self):
        return self["client_id"]

    def get_scope(self):
        return self["scope"]

    def get_user_code(self):
        return self["user_code"]

    def is_expired(self):
        return time.time() >= self["created"] + self["expires_in"]


def find_token(value, hint=None):
    for token in TOKENS:
        if hint != "refresh_token" and token.access_token == value:
            return token
        if hint != "access_token" and token.refresh_token == value:
            return token
    return None


def build(args):
    app = Flask(__name__)
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {
        DEVICE_CODE_GRANT_TYPE: args.token_lifetime,
        "refresh_token": args.token_lifetime,
    }

    def save_token(data, req):
        with LOCK:
            TOKENS.append(Token(req.client.get_client_id(), req.user, data))

    server = AuthorizationServer(app, query_client=CLIENTS.get, save_token=save_token)

    class DeviceEndpoint(DeviceAuthorizationEndpoint):
        INTERVAL = args.interval
        EXPIRES_IN = args.code_lifetime

        def get_verification_uri(self):
            return f"http://127.0.0.1:{args.port}/test/device"

        def save_device_credential(self, client_id, scope, data):
            with LOCK:
                STATS["device"] += 1
                DEVICE[data["device_code"]] = DeviceCredential(
                    client_id=client_id, scope=scope, created=time.time(), polls=0, **data
                )

    class DeviceGrant(DeviceCodeGrant):
        def query_device_credential(self, device_code):
            with LOCK:
                STATS["device_poll"] += 1
                credential = DEVICE.get(device_code)
                if credential is not None:
                    credential["polls"] += 1
                return credential

        def query_user_grant(self, user_code):
            with LOCK:
                return GRANTS.get(user_code)

        def should_slow_down(self, credential):
            return args.slow_down_at > 0 and credential["polls"] == args.slow_down_at

    class RefreshGrant(grants.RefreshTokenGrant):
        INCLUDE_NEW_REFRESH_TOKEN = True
        # A public client (no secret), like a native app registered in Entra ID.
        TOKEN_ENDPOINT_AUTH_METHODS = ["none"]

        def authenticate_refresh_token(self, refresh_token):
            with LOCK:
                STATS["refresh"] += 1
                token = find_token(refresh_token, "refresh_token")
                if token is not None and not token.revoked:
                    return token
                return None

        def authenticate_user(self, credential):
            return credential.user

        def revoke_old_credential(self, credential):
            with LOCK:
                credential.revoked = True

    class Introspection(IntrospectionEndpoint):
        CLIENT_AUTH_METHODS = ["client_secret_basic"]

        def query_token(self, token_string, token_type_hint):
            with LOCK:
                STATS["introspect"] += 1
                return find_token(token_string, token_type_hint)

        def check_permission(self, token, client, req):
            return client.get_client_id() == DOVECOT_CLIENT

        def introspect_token(self, token):
            return {
                "active": True,
                "client_id": token.client_id,
                "token_type": "Bearer",
                "username": token.user,
                "scope": token.scope,
                "exp": int(token.issued_at + token.expires_in),
            }

    class Revocation(RevocationEndpoint):
        CLIENT_AUTH_METHODS = ["none"]

        def query_token(self, token_string, token_type_hint):
            with LOCK:
                return find_token(token_string, token_type_hint)

        def revoke_token(self, token, req):
            with LOCK:
                STATS["revoked"] += 1
                token.revoked = True

    server.register_endpoint(DeviceEndpoint)
    server.register_grant(DeviceGrant)
    server.register_grant(RefreshGrant)
    server.register_endpoint(Introspection)
    server.register_endpoint(Revocation)

    # The Microsoft identity platform's paths, under any tenant.
    @app.post("/<tenant>/oauth2/v2.0/devicecode")
    def devicecode(tenant):
        return server.create_endpoint_response(DeviceEndpoint.ENDPOINT_NAME)

    @app.post("/<tenant>/oauth2/v2.0/token")
    def token(tenant):
        return server.create_token_response()

    @app.post("/introspect")
    def introspect():
        return server.create_endpoint_response(Introspection.ENDPOINT_NAME)

    @app.post("/revoke")
    def revoke():
        return server.create_endpoint_response(Revocation.ENDPOINT_NAME)

    # --- test-only doors: the person at the browser, and the clock ---
    @app.post("/test/device")
    def decide():
        user_code = request.form["user_code"]
        approved = request.form.get("decision", "approve") == "approve"
        with LOCK:
            GRANTS[user_code] = (request.form.get("user", "taro"), approved)
        return jsonify(ok=True)

    @app.post("/test/expire-access-tokens")
    def expire():
        with LOCK:
            for token in TOKENS:
                # Move the issue time back rather than zeroing the lifetime: Authlib's
                # refresh grant gives a new token the old token's lifetime.
                token.issued_at -= token.expires_in
        return jsonify(ok=True)

    @app.post("/test/revoke-all")
    def revoke_all():
        with LOCK:
            for token in TOKENS:
                token.revoked = True
        return jsonify(ok=True)

    @app.get("/test/stats")
    def stats():
        with LOCK:
            return jsonify(STATS)

    return app


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port_file")
    parser.add_argument("--interval", type=int, default=1)
    parser.add_argument("--code-lifetime", type=int, default=600)
    parser.add_argument("--token-lifetime", type=int, default=3600)
    parser.add_argument("--slow-down-at", type=int, default=0)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    http = make_server("127.0.0.1", 0, None, threaded=True)
    args.port = http.server_port
    http.app = build(args)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(args.port))
    os.rename(args.port_file + ".tmp", args.port_file)
    http.serve_forever()


if __name__ == "__main__":
    main()
