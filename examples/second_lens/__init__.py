"""A second, independent implementation of the Inventory Lens contract (see README.md)."""
