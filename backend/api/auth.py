"""/auth/token and /me: signing in with a password (the OAuth2 password flow /docs' Authorize button uses),
signing out, and who the caller is."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from .deps import SESSION_COOKIE, Accounting, AppServices, BearerToken, Owner, accounts_on
from .schemas import Me, TokenOut

router = APIRouter(tags=["accounts"])


def keep_signed_in(response: Response, request: Request, token: str, seconds: float) -> None:
    """The page's session: a cookie no script can read, sent back only by pages of this site."""
    response.set_cookie(SESSION_COOKIE, token, max_age=int(seconds), path="/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


@router.post("/auth/token", response_model=TokenOut, dependencies=[Depends(accounts_on)],
             responses={401: {"description": "Wrong username or password."}})
async def sign_in(form: Annotated[OAuth2PasswordRequestForm, Depends()], accounts: Accounting,
                  services: AppServices, request: Request, response: Response):
    """Sign in as an instructor or admin (`playground users add` made the account); the token goes in
    `Authorization: Bearer TOKEN`, and the page gets it as a session cookie too."""
    token = await accounts.sign_in(form.username, form.password)
    keep_signed_in(response, request, token, services.settings.token_seconds)
    return TokenOut(access_token=token)


@router.delete("/auth/token", status_code=204, dependencies=[Depends(accounts_on)])
async def sign_out(caller: Owner, token: BearerToken, accounts: Accounting):
    """Revoke the token this request carries (the bearer token, or the page's cookie)."""
    await accounts.revoke(token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=Me)
async def me(caller: Owner, accounts: Accounting):
    return await accounts.profile(caller)
