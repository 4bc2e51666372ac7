"""Shapes of the products-of-the-month API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.campaigns.service import MAX_PRODUCTS


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=60)
    key_points: str = Field("", max_length=1000)


class ProductsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    products: list[ProductIn] = Field(max_length=MAX_PRODUCTS)

    @field_validator("products")
    @classmethod
    def distinct(cls, value: list[ProductIn]) -> list[ProductIn]:
        names = [p.name for p in value]
        if len(set(names)) != len(names):
            raise ValueError("each product once")
        return value


def product_out(product) -> dict:
    return {"id": product.id, "name": product.name, "key_points": product.key_points}
