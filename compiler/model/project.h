/*
 * project.h - where a project's files are: the project directory (the
 * parent of policies/) and the output directory `opsc build` writes,
 * shared by build, lint's drift finder and diff so they agree.
 *
 * Ownership: returned strings are opsc_malloc'd; release with opsc_free.
 */
#ifndef OPSC_PROJECT_H
#define OPSC_PROJECT_H

#include "model.h"

/* The project directory of PATH (a .ops file or a directory): the parent
 * of policies/, else PATH's directory; absolute, symlinks resolved. NULL
 * with errno set when PATH does not exist. */
char *opsc_project_dir(const char *path);

/* Resolves `rel` lexically against `base` ("a/../b" -> "b"); an absolute
 * `rel` stands alone. */
char *opsc_project_resolve(const char *base, const char *rel);

/* Whether the relative path `rel` stays below the directory it is
 * relative to: not empty, not absolute, no `..` segment. */
bool opsc_project_inside(const char *rel);

/* The project's `output`, relative to the project directory ("clusters"
 * when the project block does not say). Owned by the Model. */
const char *opsc_project_output(const opsc_model *model);

/* The absolute output directory: opsc_project_output resolved against the
 * project directory `proj`. */
char *opsc_project_out_dir(const opsc_model *model, const char *proj);

#endif
