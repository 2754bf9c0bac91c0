#include "embed.h"

#include <string.h>

const opsc_embedded *opsc_embed_find(const opsc_embedded *table, const char *name)
{
	for (const opsc_embedded *e = table; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}
