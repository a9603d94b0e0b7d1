// SMT module.
