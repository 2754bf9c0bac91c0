/*
 * workload.c - what the Model derives from its workloads (workload.h): the
 * sums a namespace's quota is judged against.
 */
#include "model.h"

#include <string.h>

const opsc_qty *opsc_model_sum_qty(const opsc_container *c, opsc_sum_kind kind)
{
	switch (kind) {
	case OPSC_SUM_REQUESTS_CPU: return &c->req_cpu;
	case OPSC_SUM_REQUESTS_MEMORY: return &c->req_memory;
	case OPSC_SUM_LIMITS_CPU: return &c->lim_cpu;
	default: return &c->lim_memory;
	}
}

void opsc_model_sum_workloads(const opsc_model *model, opsc_env_sums *out)
{
	memset(out, 0, model->nenvs * sizeof *out);
	for (uint32_t i = 0; i < model->nworkloads; i++) {
		const opsc_workload *w = &model->workloads[i];
		if (!w->env || w->env < model->envs || w->env >= model->envs + model->nenvs)
			continue;
		opsc_env_sums *s = &out[w->env - model->envs];
		for (uint32_t c = 0; c < w->ncontainers; c++)
			for (int k = 0; !w->containers[c].init && k < OPSC_SUM_COUNT; k++) {
				const opsc_qty *q = opsc_model_sum_qty(&w->containers[c], (opsc_sum_kind)k);
				if (q->text) {
					s->milli[k] += q->milli * w->replicas;
					s->set[k] = true;
				}
			}
	}
}
