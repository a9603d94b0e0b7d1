// Machine module.
