/*
 * project.c - the project and output directories (see project.h).
 */
#include "project.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *opsc_project_dir(const char *path)
{
	char real[PATH_MAX];
	if (!realpath(path, real))
		return NULL;
	struct stat st;
	if (stat(real, &st) == 0 && !S_ISDIR(st.st_mode))
		*strrchr(real, '/') = '\0';
	char *base = strrchr(real, '/');
	if (base && strcmp(base + 1, "policies") == 0 && base != real)
		*base = '\0';
	return opsc_strdup(real[0] ? real : "/");
}

char *opsc_project_resolve(const char *base, const char *rel)
{
	char *buf = opsc_malloc(strlen(base) + strlen(rel) + 3);
	if (rel[0] == '/')
		strcpy(buf, "");
	else
		strcpy(buf, strcmp(base, "/") == 0 ? "" : base);
	char *copy = opsc_strdup(rel), *save = NULL;
	for (char *seg = strtok_r(copy, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			char *s = strrchr(buf, '/');
			if (s)
				*s = '\0';
			continue;
		}
		strcat(buf, "/");
		strcat(buf, seg);
	}
	opsc_free(copy);
	if (!buf[0])
		strcpy(buf, "/");
	return buf;
}

const char *opsc_project_output(const opsc_model *model)
{
	return model->has_project && model->project.output.s ? model->project.output.s : "clusters";
}

char *opsc_project_out_dir(const opsc_model *model, const char *proj)
{
	return opsc_project_resolve(proj, opsc_project_output(model));
}

bool opsc_project_inside(const char *rel)
{
	if (!*rel || *rel == '/')
		return false;
	for (const char *p = rel; p; p = strchr(p, '/')) {
		p += *p == '/';
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || !p[2]))
			return false;
	}
	return true;
}
