"""Dialog scripts as data, and the transitions machine built from them."""
