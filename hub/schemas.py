"""Official schemas (XSD): :mod:`contracts.schemas`, where the message types that validate
against them need it; re-exported here for the adapters and handlers that import it from the
hub."""

from contracts.schemas import (
    ForeignSchema,
    LocalResolver,
    SchemaNotFound,
    SchemaRepair,
    SchemaStore,
    repaired,
    resolving_parser,
)

__all__ = ["ForeignSchema", "LocalResolver", "SchemaNotFound", "SchemaRepair", "SchemaStore",
           "repaired", "resolving_parser"]
