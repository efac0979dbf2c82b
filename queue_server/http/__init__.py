"""The hall's HTTP edge: routes, handlers, pages, the websocket, errors as status codes."""
