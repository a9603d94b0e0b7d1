// Platform module.
