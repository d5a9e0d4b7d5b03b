"""Dialogs: the initializer dialog and the custom-initializer editor."""
