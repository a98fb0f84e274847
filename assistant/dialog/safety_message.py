"""The safety message line (text in dialogs/safety.yaml): the dialog layer needs it without the store."""

from __future__ import annotations

from assistant.dialog.library import DialogLibrary, Line


def safety_line(library: DialogLibrary, country: str = "US") -> Line:
    """safety.message with `country`'s resources (safety.resources_default when it has none)."""
    resources_id = f"safety.resources_{country}"
    if not library.has(resources_id):
        resources_id = "safety.resources_default"
    return library.render("safety.message", resources=library.render(resources_id).text)
