// Compiles cequel.h as C++ with every warning on: the public header must be usable there.
#include <cequel.h>

int cq_header_test_cxx_anchor();
int cq_header_test_cxx_anchor()
{
    cq_find_opts opts = {};
    (void)opts;
    return CQ_OK;
}
