#include "stripe_version.h"

#include <string.h>

/* Real, published versions (the sandbox knows nothing about later ones). */
static const char *const versions[] = {
    "2020-08-27", "2022-08-01", "2022-11-15", "2023-08-16", "2023-10-16", "2024-04-10",
    "2024-06-20", "2024-09-30.acacia", "2024-10-28.acacia", "2024-11-20.acacia",
    "2024-12-18.acacia", "2025-01-27.acacia", "2025-02-24.acacia", "2025-03-31.basil",
    "2025-04-30.basil", "2025-05-28.basil", "2025-06-30.basil", "2025-07-30.basil",
    "2025-08-27.basil",
};

int st_version_known(const char *v)
{
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
        if (strcmp(v, versions[i]) == 0)
            return 1;
    return 0;
}

void st_shape_for(const char *v, st_shape *sh)
{
    /* Versions compare by their date prefix. */
    sh->version = v;
    sh->basil = strncmp(v, "2025-03-31", 10) >= 0;
    sh->charge_refunds = strncmp(v, "2022-11-15", 10) < 0;
}
