#include "testutil.h"

#include <string.h>

#include "emitutil.h"
#include "load.h"
#include "sema.h"
#include "verify.h"

uint32_t opsc_test_emit(opsc_emit_fixture *f, const opsc_emitter *e, const char *text)
{
	memset(f, 0, sizeof(*f));
	opsc_ctx_init(&f->ctx);
	opsc_program prog;
	assert_int_equal(opsc_load_text(&prog, &f->ctx, "t.ops", text, strlen(text)), 0);
	assert_int_equal(opsc_sema_check(&f->model, &f->ctx, &prog), 0);
	if (f->ctx.diags.errors == 0)
		assert_int_equal(opsc_emit_verify(&f->ctx, &f->model), 0);
	if (f->ctx.diags.errors == 0) {
		int rc = e ? opsc_emit_one(e, &f->out, &f->ctx, &f->model, NULL)
			   : opsc_emit_all(&f->out, &f->ctx, &f->model, NULL, NULL);
		assert_int_equal(rc, 0);
	}
	opsc_diags_sort(&f->ctx.diags);
	opsc_diags_dedupe(&f->ctx.diags);
	return f->ctx.diags.errors;
}

const char *opsc_test_file(const opsc_emit_fixture *f, const char *path)
{
	for (uint32_t i = 0; i < f->out.files.len; i++)
		if (strcmp(f->out.files.items[i].path, path) == 0)
			return f->out.files.items[i].data;
	return NULL;
}

const char *opsc_test_first_message(const opsc_emit_fixture *f)
{
	return f->ctx.diags.items.len ? f->ctx.diags.items.items[0].message : "";
}

void opsc_test_emit_done(opsc_emit_fixture *f)
{
	opsc_outputs_dispose(&f->out);
	opsc_ctx_dispose(&f->ctx);
}
