"""The plug-in's message type."""

from __future__ import annotations

from pydantic import BaseModel, Field

from contracts import message_type


@message_type("sample.greeting", 1, person_fields=("snils",), title="Приветствие (пример плагина)")
class GreetingV1(BaseModel):
    """A greeting to an insured person (sample plug-in)."""

    name: str = Field(min_length=1, max_length=200, json_schema_extra={"personal": True})
    snils: str = Field(default="", pattern=r"^(\d{3}-\d{3}-\d{3} \d{2})?$")
    text: str = Field(default="Здравствуйте")
