/*
 * repo_index.c - the whole index under a directory, for the drift finder
 * with --staged: the content the next commit will hold, changed or not.
 */
#include <string.h>

#include "repo_internal.h"

int opsc_repo_each_index(opsc_repo *repo, const char *dir, uint64_t max_size, opsc_repo_blob_cb cb,
			 void *user)
{
	git_index *index = NULL;
	size_t dlen = strlen(dir);
	int rc = git_repository_index(&index, repo->git);
	if (rc == 0) /* the index changes under a long-lived handle (hooks, tests) */
		rc = git_index_read(index, false);
	size_t n = rc == 0 ? git_index_entrycount(index) : 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(index, i);
		bool under = dlen == 0 || (strncmp(e->path, dir, dlen) == 0 && e->path[dlen] == '/');
		if (!under || git_index_entry_stage(e) > 0)
			continue;
		rc = opsc_repo_deliver_blob_(repo, &e->id, e->mode, e->path, max_size, NULL, cb, user);
	}
	git_index_free(index);
	return rc < 0 ? rc : 0;
}
