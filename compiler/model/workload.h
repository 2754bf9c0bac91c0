/*
 * workload.h - workloads in the Model: the pods that Deployments,
 * StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods run, and
 * the pods a HelmRelease's values describe (actual_workloads.c).
 *
 * Every field keeps the span of the manifest value that set it, so a
 * finding about `privileged: true` points at that line. A field the
 * manifest leaves out has set == false (flags, numbers), s == NULL
 * (strings) or text == NULL (quantities), and the span of what holds it.
 *
 * All memory belongs to the arena of the compilation. Included by model.h
 * after the types it uses (opsc_str, opsc_qty, opsc_port, opsc_env).
 */
#ifndef OPSC_WORKLOAD_H
#define OPSC_WORKLOAD_H

/* A boolean the manifest may leave out: policies read `null` then. */
typedef struct {
	opsc_span span;
	bool set, value;
} opsc_flag;

typedef struct {
	opsc_span span;
	bool set;
	double value;
} opsc_number;

typedef struct {
	opsc_span span;
	opsc_str name;
	opsc_str host_path; /* hostPath.path, NULL for other volume types */
} opsc_volume;

typedef struct opsc_container {
	opsc_span span; /* the list item (`- name: ...`) */
	opsc_str name;
	bool init; /* initContainers */
	opsc_str image; /* as written */
	opsc_str tag, digest; /* split from image (same span); NULL when absent */
	/* securityContext, the container's over the pod's where both may say */
	opsc_flag privileged, allow_privilege_escalation, run_as_non_root, read_only_root;
	opsc_number run_as_user;
	opsc_strs cap_add, cap_drop;
	opsc_qty req_cpu, req_memory, lim_cpu, lim_memory;
	opsc_flag liveness, readiness; /* a probe is declared (span: the probe) */
	/* Whether the source says anything about resources and probes: always
	 * for manifests; for HelmRelease values only when they set them (the
	 * chart's templates have their own defaults). */
	bool declares_resources, declares_probes;
	opsc_port *ports; /* containerPort */
	uint32_t nports;
	opsc_kvs env; /* name -> value ("" for valueFrom) */
} opsc_container;

typedef struct opsc_workload {
	opsc_span span; /* the document */
	opsc_str kind; /* "Deployment", ..., "HelmRelease" */
	opsc_str name, namespace_;
	const struct opsc_env *env; /* of its namespace; NULL without one */
	uint32_t replicas; /* spec.replicas (default 1); 1 for other kinds */
	opsc_span replicas_span; /* the value, when the manifest writes it; else no file */
	bool from_values; /* read from a HelmRelease's spec.values */
	opsc_str service_account; /* serviceAccountName; NULL: "default" */
	opsc_flag automount_token; /* automountServiceAccountToken */
	opsc_flag host_network, host_pid, host_ipc;
	opsc_container *containers; /* initContainers first */
	uint32_t ncontainers;
	opsc_volume *volumes;
	uint32_t nvolumes;
} opsc_workload;

/* What a namespace's workloads add up to against its quota: requests and
 * limits of every regular container times the replicas, in milli-units;
 * set[i] false when no workload there says any. */
typedef enum {
	OPSC_SUM_REQUESTS_CPU,
	OPSC_SUM_REQUESTS_MEMORY,
	OPSC_SUM_LIMITS_CPU,
	OPSC_SUM_LIMITS_MEMORY,
	OPSC_SUM_COUNT,
} opsc_sum_kind;

typedef struct {
	double milli[OPSC_SUM_COUNT];
	bool set[OPSC_SUM_COUNT];
} opsc_env_sums;

#endif
