import datetime
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.events_list_type import EventsListType
from ...models.paginated_event_output_list import PaginatedEventOutputList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    created_after: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    type_: EventsListType | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_created_after: str | Unset = UNSET
    if not isinstance(created_after, Unset):
        json_created_after = created_after.isoformat()
    params["created_after"] = json_created_after

    params["cursor"] = cursor

    params["page_size"] = page_size

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_.value

    params["type"] = json_type_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | PaginatedEventOutputList | None:
    if response.status_code == 200:
        response_200 = PaginatedEventOutputList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 414:
        response_414 = cast(Any, None)
        return response_414

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Error | PaginatedEventOutputList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    created_after: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    type_: EventsListType | Unset = UNSET,
) -> Response[Any | Error | PaginatedEventOutputList]:
    """Your events, newest first: what happened to your accounts, transfers, wires and KYC
    profile, each written with the change it announces (never for one that was undone).
    Poll with `created_after` or follow the cursor; read the object at its `url`.

    Args:
        created_after (datetime.datetime | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        type_ (EventsListType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | PaginatedEventOutputList]
    """

    kwargs = _get_kwargs(
        created_after=created_after,
        cursor=cursor,
        page_size=page_size,
        type_=type_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    created_after: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    type_: EventsListType | Unset = UNSET,
) -> Any | Error | PaginatedEventOutputList | None:
    """Your events, newest first: what happened to your accounts, transfers, wires and KYC
    profile, each written with the change it announces (never for one that was undone).
    Poll with `created_after` or follow the cursor; read the object at its `url`.

    Args:
        created_after (datetime.datetime | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        type_ (EventsListType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | PaginatedEventOutputList
    """

    return sync_detailed(
        client=client,
        created_after=created_after,
        cursor=cursor,
        page_size=page_size,
        type_=type_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    created_after: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    type_: EventsListType | Unset = UNSET,
) -> Response[Any | Error | PaginatedEventOutputList]:
    """Your events, newest first: what happened to your accounts, transfers, wires and KYC
    profile, each written with the change it announces (never for one that was undone).
    Poll with `created_after` or follow the cursor; read the object at its `url`.

    Args:
        created_after (datetime.datetime | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        type_ (EventsListType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | PaginatedEventOutputList]
    """

    kwargs = _get_kwargs(
        created_after=created_after,
        cursor=cursor,
        page_size=page_size,
        type_=type_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    created_after: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    type_: EventsListType | Unset = UNSET,
) -> Any | Error | PaginatedEventOutputList | None:
    """Your events, newest first: what happened to your accounts, transfers, wires and KYC
    profile, each written with the change it announces (never for one that was undone).
    Poll with `created_after` or follow the cursor; read the object at its `url`.

    Args:
        created_after (datetime.datetime | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        type_ (EventsListType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | PaginatedEventOutputList
    """

    return (
        await asyncio_detailed(
            client=client,
            created_after=created_after,
            cursor=cursor,
            page_size=page_size,
            type_=type_,
        )
    ).parsed
