"""Changes between two OpenAPI 3.1 documents that break a client of the older one
(contracts/snapshot/openapi.json against the gateway's current document).

A client keeps working when every operation it calls is still there, everything it may send is
still accepted (no parameter or request field removed, made required, retyped or limited to
fewer values) and everything it reads is still there as described (no success status or
response field removed, retyped, made nullable or given new allowed values). Descriptions,
bounds and new optional inputs or new outputs are not compared."""
from typing import Any

Doc = dict[str, Any]
Shape = dict[str, Any]

METHODS = ("get", "put", "post", "patch", "delete")


def openapi_breaks(old: Doc, new: Doc) -> list[str]:
    breaks: list[str] = []
    for path, operations in old.get("paths", {}).items():
        for method, was in operations.items():
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            now = new.get("paths", {}).get(path, {}).get(method)
            if now is None:
                breaks.append(f"{where}: operation removed")
                continue
            breaks += [f"{where}: {m}" for m in _operation_breaks(old, was, new, now)]
    return breaks


def _operation_breaks(old_doc: Doc, was: Doc, new_doc: Doc, now: Doc) -> list[str]:
    breaks: list[str] = []
    old_params = {(p["in"], p["name"]): p for p in was.get("parameters", [])}
    new_params = {(p["in"], p["name"]): p for p in now.get("parameters", [])}
    for key, param in old_params.items():
        name = f"{key[0]} parameter `{key[1]}`"
        if key not in new_params:
            breaks.append(f"{name} removed")
            continue
        if new_params[key].get("required") and not param.get("required"):
            breaks.append(f"{name} made required")
        breaks += _sent(shape(old_doc, param.get("schema", {})), shape(new_doc, new_params[key].get("schema", {})),
                        name)
    breaks += [f"{key[0]} parameter `{key[1]}` added as required" for key, param in new_params.items()
               if key not in old_params and param.get("required")]
    old_body, new_body = _json_schema(was.get("requestBody")), _json_schema(now.get("requestBody"))
    if new_body is not None and old_body is None and now["requestBody"].get("required"):
        breaks.append("request body added as required")
    elif old_body is not None and new_body is not None:
        breaks += _sent(shape(old_doc, old_body), shape(new_doc, new_body), "request")
    for status, response in was.get("responses", {}).items():
        if not status.startswith("2"):
            continue
        if status not in now.get("responses", {}):
            breaks.append(f"response {status} removed")
            continue
        old_out, new_out = _json_schema(response), _json_schema(now["responses"][status])
        if old_out is not None and new_out is not None:
            breaks += _read(shape(old_doc, old_out), shape(new_doc, new_out), f"response {status}")
    return breaks


def _json_schema(holder: Doc | None) -> Doc | None:
    if not holder:
        return None
    media = holder.get("content", {}).get("application/json")
    return None if media is None else dict(media.get("schema", {}))


def shape(doc: Doc, schema: Doc, seen: frozenset[str] = frozenset()) -> Shape:
    """A schema with references resolved and anyOf/oneOf merged: its set of types (`any` when
    untyped), format, allowed values, properties, required names and items."""
    ref = schema.get("$ref")
    if ref is not None:
        if ref in seen:
            return {"types": {"object"}, "recursive": ref}
        target = doc
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return shape(doc, target, seen | {ref})
    out: Shape = {"types": set(), "properties": {}, "required": set(schema.get("required", ()))}
    for member in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        part = shape(doc, member, seen)
        out["types"] |= part["types"]
        out["properties"].update(part["properties"])
        out["required"] |= part["required"]
        for key in ("format", "enum", "items"):
            if key in part:
                out[key] = part[key]
    declared = schema.get("type")
    if declared is not None:
        out["types"] |= {declared} if isinstance(declared, str) else set(declared)
    if not out["types"]:
        out["types"] = {"any"}
    for key in ("format", "enum"):
        if key in schema:
            out[key] = schema[key]
    if "items" in schema:
        out["items"] = shape(doc, schema["items"], seen)
    for name, prop in schema.get("properties", {}).items():
        out["properties"][name] = shape(doc, prop, seen)
    return out


def _sent(was: Shape, now: Shape, path: str) -> list[str]:
    """What a client sends must still be accepted. `path`: the field (`request` for the body)."""
    return _compare(was, now, path, sending=True)


def _read(was: Shape, now: Shape, path: str) -> list[str]:
    """What a client reads must still be there, as described. `path`: the field (`response 200`)."""
    return _compare(was, now, path, sending=False)


def _compare(was: Shape, now: Shape, path: str, *, sending: bool) -> list[str]:
    # Sending, the new document must accept all the old one did; reading, it may promise no more.
    outer, inner = (now, was) if sending else (was, now)
    if not (inner["types"] <= outer["types"] or "any" in outer["types"]):
        return [f"{path} type changed from {sorted(was['types'])} to {sorted(now['types'])}"]
    breaks = []
    if was.get("format") != now.get("format") and outer.get("format") is not None:
        breaks.append(f"{path} format changed from {was.get('format')} to {now.get('format')}")
    if "enum" in outer and not set(map(str, inner.get("enum", ["(any)"]))) <= set(map(str, outer["enum"])):
        breaks.append(f"{path} allowed values {'narrowed' if sending else 'widened'} to {now.get('enum', 'any')}")
    if "items" in was and "items" in now:
        breaks += _compare(was["items"], now["items"], f"{path}[]", sending=sending)
    for name, prop in was["properties"].items():
        if name not in now["properties"]:
            breaks.append(f"{_field(path, name)} removed")
        else:
            breaks += _compare(prop, now["properties"][name], _field(path, name), sending=sending)
    if sending:
        breaks += [f"{_field(path, name)} made required" for name in sorted(now["required"] - was["required"])]
    else:
        breaks += [f"{_field(path, name)} no longer required" for name in sorted(was["required"] - now["required"])]
    return breaks


def _field(path: str, name: str) -> str:
    """`request` + `title` -> "request field `title`"; "request field `a`" + `b` -> "request field `a.b`"."""
    if "`" in path:
        head, field, tail = path.split("`", 2)
        return f"{head}`{field}{tail}.{name}`"
    return f"{path} field `{name}`"
