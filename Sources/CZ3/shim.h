// The one place Moat includes Z3's C API. Only the SMT target imports CZ3.
#ifndef MOAT_CZ3_SHIM_H
#define MOAT_CZ3_SHIM_H
#include <z3.h>
#endif
