"""The local JSON store: crash-safe, private, readable.

`Store` is the API the rest of the program uses; records live in `assistant.store.records`.
"""

from assistant.store.errors import NewerSchemaError, StoreError, StoreLockTimeout, StoreWriteError
from assistant.store.forget import forget_directory
from assistant.store.store import Store

__all__ = [
    "NewerSchemaError", "Store", "StoreError", "StoreLockTimeout", "StoreWriteError", "forget_directory",
]
