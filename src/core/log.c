#include <stdio.h>

#include "cequel/log.h"

void cq_log_stderr(const cq_log_event *ev, void *user_data)
{
    if (!ev)
        return;
    (void)user_data;
    if (ev->kind == CQ_LOG_WARNING) {
        fprintf(stderr, "(cequel) warning: %s\n", ev->sql);
        return;
    }
    if (ev->transaction_id)
        fprintf(stderr, "Executing (%llu): %s", (unsigned long long)ev->transaction_id, ev->sql);
    else
        fprintf(stderr, "Executing (default): %s", ev->sql);
    if (ev->n_params) {
        fputs(" [", stderr);
        for (size_t i = 0; i < ev->n_params; i++) {
            char *json = NULL;
            cq_value_to_json(&json, ev->params[i], CQ_JSON_COMPACT);
            fprintf(stderr, "%s%s", i ? "," : "", json ? json : "?");
            cq_free(json);
        }
        fputc(']', stderr);
    }
    fputc('\n', stderr);
}
