// Checker module.
