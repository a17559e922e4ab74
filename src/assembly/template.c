/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * assembly/template.c - the construct tree aws-cdk-lib would build for
 * the app, and what is rendered from it: the CloudFormation template
 * (DFS over the CfnElements, sections in order of first use), tree.json
 * (DFS) and the stack metadata file (BFS, as collectStackMetadata walks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assembly/assembly.h"
#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

#define FQN_LIB "aws-cdk-lib."

struct ecra_tnode {
	char *id;
	char *path;
	const char *fqn;
	bool is_construct_lib; /* constructs.Construct, version 10.x */
	ecra_json *attributes; /* tree.json attributes, or NULL */
	ecra_json *metadata;   /* array of {type, data}, or NULL */
	/* A CfnElement: its section, logical id and template body. */
	const char *section;
	char *logical_id;
	ecra_json *body;
	ecra_stack *stack; /* stack nodes */
	struct ecra_tnode **children;
	size_t child_count;
};

void ecra_assembly_tree_free(ecra_tnode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->child_count; i++)
		ecra_assembly_tree_free(n->children[i]);
	ecra_free(n->children);
	ecra_free(n->id);
	ecra_free(n->path);
	ecra_free(n->logical_id);
	ecra_json_free(n->attributes);
	ecra_json_free(n->metadata);
	ecra_json_free(n->body);
	ecra_free(n);
}

static ecra_tnode *node_add(ecra_tnode *parent, const char *id, const char *fqn)
{
	ecra_tnode *n = ecra_calloc(1, sizeof(*n)), **grown;
	ecra_buf b = ECRA_BUF_INIT(0);

	if (n == NULL)
		return NULL;
	n->fqn = fqn;
	n->id = ecra_strdup(id);
	if (parent && parent->path[0])
		(void)ecra_buf_printf(&b, "%s/%s", parent->path, id);
	else
		(void)ecra_buf_puts(&b, id);
	n->path = ecra_buf_detach(&b);
	if (n->id == NULL || n->path == NULL)
		goto fail;
	if (parent) {
		grown = ecra_realloc(parent->children,
		    (parent->child_count + 1) * sizeof(*grown));
		if (grown == NULL)
			goto fail;
		parent->children = grown;
		parent->children[parent->child_count++] = n;
	}
	return n;
fail:
	ecra_assembly_tree_free(n);
	return NULL;
}

static int add_meta(ecra_tnode *n, const char *type, ecra_json *data)
{
	ecra_json *e = ecra_json_object();

	if (data == NULL || e == NULL)
		goto fail;
	if (n->metadata == NULL && (n->metadata = ecra_json_array()) == NULL)
		goto fail;
	if (ecra_json_set_str(e, "type", type) < 0 ||
	    ecra_json_set_new(e, "data", data) < 0) {
		data = NULL;
		goto fail;
	}
	return ecra_json_push_new(n->metadata, e);
fail:
	ecra_json_free(data);
	ecra_json_free(e);
	return ecra_error_set(ECRA_ENOMEM, "out of memory");
}

/* Make `n` a CfnElement: allocate its logical id from the path below
 * the stack and record the logicalId metadata. */
static int make_element(ecra_tnode *n, const ecra_stack *stack,
    const char *section, ecra_json *body)
{
	ecra_strvec comps = ECRA_STRVEC_INIT;
	const char *p = n->path + strlen(stack->id) + 1, *e;
	ecra_json *off;
	int rc;

	n->section = section;
	n->body = body;
	if (body == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	while ((e = strchr(p, '/')) != NULL) {
		if ((rc = ecra_strvec_pushn(&comps, p, (size_t)(e - p))) < 0)
			goto done;
		p = e + 1;
	}
	if ((rc = ecra_strvec_push(&comps, p)) < 0)
		goto done;
	rc = ecra_assembly_unique_id(
	    &n->logical_id, (const char *const *)comps.items, comps.count);
	if (rc < 0)
		goto done;
	off = ecra_assembly_context(
	    stack->app, "aws:cdk:disable-logicalId-metadata");
	if (off == NULL || !ecra_json_is_true(off))
		rc = add_meta(
		    n, "aws:cdk:logicalId", ecra_json_str(n->logical_id));
done:
	ecra_strvec_dispose(&comps);
	return rc;
}

static ecra_json *obj1(const char *k, ecra_json *v)
{
	ecra_json *o = ecra_json_object();

	if (o == NULL || v == NULL || ecra_json_set_new(o, k, v) < 0) {
		if (o == NULL || v == NULL)
			ecra_json_free(v);
		ecra_json_free(o);
		return NULL;
	}
	return o;
}

static bool path_metadata(const ecra_stack *s)
{
	ecra_json *v =
	    ecra_assembly_context(s->app, "aws:cdk:enable-path-metadata");

	return v && ecra_json_is_true(v);
}

/* {Type, Properties[, Metadata]} and the tree attributes. */
static int make_resource(ecra_tnode *n, const ecra_stack *stack,
    const char *type, ecra_json *props, ecra_json *tree_props)
{
	ecra_json *body = ecra_json_object(), *attrs = ecra_json_object();
	int rc;

	if (body == NULL || attrs == NULL || props == NULL ||
	    tree_props == NULL || ecra_json_set_str(body, "Type", type) < 0 ||
	    ecra_json_set(body, "Properties", props) < 0)
		goto fail;
	if (path_metadata(stack) &&
	    ecra_json_set_new(body, "Metadata",
	        obj1("aws:cdk:path", ecra_json_str(n->path))) < 0)
		goto fail;
	if ((rc = make_element(n, stack, "Resources", body)) < 0) {
		body = NULL;
		goto out;
	}
	body = NULL;
	if (ecra_json_set_str(attrs, "aws:cdk:cloudformation:type", type) < 0 ||
	    ecra_json_set_str(
	        attrs, "aws:cdk:cloudformation:logicalId", n->logical_id) < 0 ||
	    ecra_json_set(attrs, "aws:cdk:cloudformation:props", tree_props) <
	        0)
		goto fail;
	n->attributes = attrs;
	attrs = NULL;
	rc = 0;
	goto out;
fail:
	rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
out:
	ecra_json_free(body);
	ecra_json_free(attrs);
	ecra_json_free(props);
	ecra_json_free(tree_props);
	return rc;
}

static ecra_json *policy_document(ecra_json *statements)
{
	ecra_json *doc = ecra_json_object();

	if (doc == NULL || statements == NULL ||
	    ecra_json_set_new(doc, "Statement", statements) < 0 ||
	    ecra_json_set_str(doc, "Version", "2012-10-17") < 0) {
		if (doc == NULL)
			ecra_json_free(statements);
		ecra_json_free(doc);
		return NULL;
	}
	return doc;
}

/* The statements with later duplicates removed (RemoveDuplicateStatements). */
static ecra_json *dedup(const ecra_json *statements)
{
	ecra_json *out = ecra_json_array();
	size_t i, j;

	for (i = 0; out && i < ecra_json_size(statements); i++) {
		ecra_json *s = ecra_json_at(statements, i);
		bool seen = false;

		for (j = 0; j < ecra_json_size(out) && !seen; j++)
			seen = ecra_json_equal(ecra_json_at(out, j), s);
		if (!seen && ecra_json_push(out, s) < 0) {
			ecra_json_free(out);
			return NULL;
		}
	}
	return out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Append the actions of statement `st` to `names` (unique). */
static int gather_actions(ecra_strvec *names, const ecra_json *st)
{
	const ecra_json *act = ecra_json_get(st, "Action");
	size_t i, j,
	    n = ecra_json_typeof(act) == ECRA_JSON_ARRAY ? ecra_json_size(act)
	                                                 : 1;

	for (i = 0; i < n; i++) {
		const char *a = ecra_json_typeof(act) == ECRA_JSON_ARRAY
		                    ? ecra_json_string(ecra_json_at(act, i))
		                    : ecra_json_string(act);
		bool seen = false;

		for (j = 0; j < names->count && !seen; j++)
			seen = strcmp(names->items[j], a) == 0;
		if (!seen && ecra_strvec_push(names, a) < 0)
			return ECRA_ENOMEM;
	}
	return 0;
}

/* A statement while merging: its actions and its resource identities. */
typedef struct {
	ecra_strvec actions;
	const ecra_image_asset **res;
	size_t nres;
	const ecra_json *resource; /* the rendered resource */
	const ecra_json *src;      /* the first original statement */
} mstmt;

static bool set_equal_str(const ecra_strvec *a, const ecra_strvec *b)
{
	size_t i, j;

	if (a->count != b->count)
		return false;
	for (i = 0; i < a->count; i++) {
		bool found = false;

		for (j = 0; j < b->count && !found; j++)
			found = strcmp(a->items[i], b->items[j]) == 0;
		if (!found)
			return false;
	}
	return true;
}

/*
 * Whether two statement resources are the same unresolved string, as
 * mergeStatements compares them: "*" (NULL) only equals itself; a
 * repository ARN whose name holds "${" embeds a Fn::Sub token made per
 * asset; otherwise the ARN is the same string for every asset of the
 * stack with that repository name.
 */
static bool same_resource(const ecra_image_asset *x, const ecra_image_asset *y)
{
	if (x == y)
		return true;
	if (x == NULL || y == NULL || strstr(x->repository_name, "${") ||
	    strstr(y->repository_name, "${"))
		return false;
	return x->stack == y->stack &&
	       strcmp(x->repository_name, y->repository_name) == 0;
}

static bool set_equal_res(const mstmt *a, const mstmt *b)
{
	size_t i, j;

	if (a->nres != b->nres)
		return false;
	for (i = 0; i < a->nres; i++) {
		bool found = false;

		for (j = 0; j < b->nres && !found; j++)
			found = same_resource(a->res[i], b->res[j]);
		if (!found)
			return false;
	}
	return true;
}

/* a = a merged with b (actions and resources unioned). */
static int merge_into(mstmt *a, const mstmt *b)
{
	const ecra_image_asset **grown;
	size_t i, j;

	for (i = 0; i < b->actions.count; i++) {
		bool seen = false;

		for (j = 0; j < a->actions.count && !seen; j++)
			seen = strcmp(a->actions.items[j],
			           b->actions.items[i]) == 0;
		if (!seen &&
		    ecra_strvec_push(&a->actions, b->actions.items[i]) < 0)
			return ECRA_ENOMEM;
	}
	grown = ecra_realloc(a->res, (a->nres + b->nres) * sizeof(*grown));
	if (grown == NULL)
		return ECRA_ENOMEM;
	a->res = grown;
	for (i = 0; i < b->nres; i++) {
		bool seen = false;

		for (j = 0; j < a->nres && !seen; j++)
			seen = same_resource(a->res[j], b->res[i]);
		if (!seen)
			a->res[a->nres++] = b->res[i];
	}
	return 0;
}

/*
 * @aws-cdk/aws-iam:minimizePolicies, as aws-cdk-lib's mergeStatements:
 * repeatedly merge two statements when their action sets or their
 * resource sets are equal (resources compared as unresolved tokens, i.e.
 * per asset), keeping the earlier one's position; actions come out
 * sorted. Without the flag only equal statements merge. Identical
 * rendered statements are removed afterwards.
 */

/* The size limits of Role.splitLargePolicy and mergeStatements. */
#define MAX_INLINE_SIZE     10000.0
#define MAX_MANAGEDPOL_SIZE 6000.0
#define MAX_MERGE_SIZE      2000.0
#define ARN_SIZE_KEY        "@aws-cdk/aws-iam.arnSizeEstimate"

static void mstmts_free(mstmt *m, size_t n)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < n; i++) {
		ecra_strvec_dispose(&m[i].actions);
		ecra_free(m[i].res);
	}
	ecra_free(m);
}

/* The role's statements as merge state, in grant order. */
static mstmt *mstmts_load(const ecra_role *role, size_t *n)
{
	const ecra_json *sts = role->statements;
	size_t count = ecra_json_size(sts), i;
	mstmt *m = ecra_calloc(count + 1, sizeof(*m));

	if (m == NULL)
		return NULL;
	for (i = 0; i < count; i++) {
		const ecra_json *st = ecra_json_at(sts, i);

		m[i].src = st;
		m[i].res = ecra_calloc(1, sizeof(*m[i].res));
		if (m[i].res == NULL || gather_actions(&m[i].actions, st) < 0) {
			mstmts_free(m, count);
			return NULL;
		}
		m[i].res[0] = role->statement_assets[i];
		m[i].nres = 1;
		m[i].resource = ecra_json_get(st, "Resource");
	}
	*n = count;
	return m;
}

static bool has_action(const mstmt *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->actions.count; i++)
		if (strcmp(a->actions.items[i], name) == 0)
			return true;
	return false;
}

static bool has_res(const mstmt *a, const ecra_image_asset *r)
{
	size_t i;

	for (i = 0; i < a->nres; i++)
		if (same_resource(a->res[i], r))
			return true;
	return false;
}

/*
 * PolicyStatement._estimateSize of a (merged with b when b is not NULL):
 * the Effect, literal actions, resources (a repository ARN is an
 * unresolved token counted as `arn`, "*" is literal), no principals and
 * the conditions "{}".
 */
static double estimate(const mstmt *a, const mstmt *b, double arn)
{
	double size = (double)strlen("\"Effect\": \"Allow\",") + 2;
	size_t i;

	size += (double)strlen("Action") + 5;
	for (i = 0; i < a->actions.count; i++)
		size += (double)strlen(a->actions.items[i]) + 3;
	for (i = 0; b && i < b->actions.count; i++)
		if (!has_action(a, b->actions.items[i]))
			size += (double)strlen(b->actions.items[i]) + 3;
	size += (double)strlen("Resource") + 5;
	for (i = 0; i < a->nres; i++)
		size += (a->res[i] ? arn : 1) + 3;
	for (i = 0; b && i < b->nres; i++)
		if (!has_res(a, b->res[i]))
			size += (b->res[i] ? arn : 1) + 3;
	return size;
}

/* mergeStatements: combinable (minimize) or equal statements, a merge
 * skipped when the result would exceed `limit` (0: no limit). */
static int merge_pass(
    mstmt *m, size_t *n, bool combinable, double limit, double arn)
{
	bool changed = true;
	size_t i, j;

	while (changed) {
		changed = false;
		for (i = 0; i < *n; i++) {
			for (j = i + 1; j < *n;) {
				bool acts =
				    set_equal_str(&m[i].actions, &m[j].actions);
				bool res = set_equal_res(&m[i], &m[j]);

				if ((combinable ? !(acts || res)
				                : !(acts && res)) ||
				    (combinable && limit > 0 &&
				        estimate(&m[i], &m[j], arn) > limit)) {
					j++;
					continue;
				}
				if (merge_into(&m[i], &m[j]) < 0)
					return ECRA_ENOMEM;
				ecra_strvec_dispose(&m[j].actions);
				ecra_free(m[j].res);
				memmove(&m[j], &m[j + 1],
				    (*n - j - 1) * sizeof(*m));
				(*n)--;
				changed = true;
			}
		}
	}
	return 0;
}

/* Render merge state as statements: minimized (sorted actions), or the
 * first original of each; later duplicates removed. */
static ecra_json *render_statements(const mstmt *m, size_t n, bool min)
{
	ecra_json *raw = ecra_json_array(), *out = NULL;
	size_t i, k;

	for (i = 0; raw && i < n; i++) {
		ecra_json *st, *act;
		ecra_strvec sorted = ECRA_STRVEC_INIT;

		if (!min) {
			if (ecra_json_push(raw, (ecra_json *)m[i].src) < 0)
				goto fail;
			continue;
		}
		for (k = 0; k < m[i].actions.count; k++)
			if (ecra_strvec_push(&sorted, m[i].actions.items[k]) <
			    0) {
				ecra_strvec_dispose(&sorted);
				goto fail;
			}
		qsort(
		    sorted.items, sorted.count, sizeof(*sorted.items), cmp_str);
		if (sorted.count == 1) {
			act = ecra_json_str(sorted.items[0]);
		} else {
			act = ecra_json_array();
			for (k = 0; act && k < sorted.count; k++)
				if (ecra_json_push_new(act,
				        ecra_json_str(sorted.items[k])) < 0) {
					ecra_json_free(act);
					act = NULL;
				}
		}
		ecra_strvec_dispose(&sorted);
		st = ecra_json_object();
		if (act == NULL || st == NULL ||
		    ecra_json_set_new(st, "Action", act) < 0) {
			if (st == NULL || ecra_json_get(st, "Action") != act)
				ecra_json_free(act);
			ecra_json_free(st);
			goto fail;
		}
		if (ecra_json_set_str(st, "Effect", "Allow") < 0 ||
		    ecra_json_set(st, "Resource", (ecra_json *)m[i].resource) <
		        0 ||
		    ecra_json_push_new(raw, st) < 0)
			goto fail;
	}
	if (raw)
		out = dedup(raw);
fail:
	ecra_json_free(raw);
	return out;
}

static bool minimize_flag(const ecra_stack *stack)
{
	ecra_json *flag = ecra_assembly_context(
	    stack->app, "@aws-cdk/aws-iam:minimizePolicies");

	return flag && ecra_json_is_true(flag);
}

/* The documents of a role's policies: PolicyDocument._splitDocument when
 * `split` (Role.splitLargePolicy: what does not fit the inline policy
 * goes to the first overflow document with room), then each document
 * merged and rendered as PolicyDocument.resolve does. docs[0] is the
 * policy's own statements. */
static int policy_docs(ecra_json ***out, size_t *ndocs, const ecra_stack *stack,
    const ecra_role *role, bool split)
{
	bool min = minimize_flag(stack);
	ecra_json *est = ecra_assembly_context(stack->app, ARN_SIZE_KEY);
	double arn = 150, self = 0, *pol = NULL;
	size_t n = 0, i, j, d, nd = 1, subn;
	size_t *doc = NULL;
	mstmt *m = NULL, *sub = NULL;
	ecra_json **docs = NULL;
	int rc = ECRA_ENOMEM;

	if (split && est) {
		ecra_buf b = ECRA_BUF_INIT(0);

		if (!ecra_json_is_number(est)) {
			if (ecra_json_write(&b, est, 0) < 0)
				return ecra_error_set(
				    ECRA_ENOMEM, "out of memory");
			rc = ecra_error_set(ECRA_EINVALID,
			    "Context value %s should be a number, got %s",
			    ARN_SIZE_KEY, b.ptr);
			ecra_buf_dispose(&b);
			return rc;
		}
		arn = ecra_json_number(est);
	}
	m = mstmts_load(role, &n);
	doc = ecra_calloc(n + 1, sizeof(*doc));
	pol = ecra_calloc(n + 2, sizeof(*pol));
	sub = ecra_calloc(n + 1, sizeof(*sub));
	if (m == NULL || doc == NULL || pol == NULL || sub == NULL)
		goto done;
	if (split) {
		if (merge_pass(m, &n, min, MAX_MERGE_SIZE, arn) < 0)
			goto done;
		for (i = 0; i < n; i++) {
			double size = estimate(&m[i], NULL, arn);

			if (self + size < MAX_INLINE_SIZE) {
				self += size;
				continue;
			}
			for (d = 1;
			     d < nd && pol[d] + size > MAX_MANAGEDPOL_SIZE; d++)
				;
			if (d == nd)
				nd++;
			pol[d] += size;
			doc[i] = d;
		}
	}
	docs = ecra_calloc(nd + 1, sizeof(*docs));
	if (docs == NULL)
		goto done;
	for (d = 0; d < nd; d++) {
		/* Move the document's statements into `sub`. */
		for (i = 0, subn = 0; i < n; i++) {
			if (doc[i] != d)
				continue;
			sub[subn++] = m[i];
			memset(&m[i], 0, sizeof(m[i]));
			doc[i] = SIZE_MAX;
		}
		rc = min ? merge_pass(sub, &subn, true, 0, arn) : 0;
		if (rc == 0) {
			docs[d] = render_statements(sub, subn, min);
			rc = docs[d] ? 0 : ECRA_ENOMEM;
		}
		for (j = 0; j < subn; j++) {
			ecra_strvec_dispose(&sub[j].actions);
			ecra_free(sub[j].res);
		}
		if (rc < 0)
			goto done;
	}
	*out = docs;
	*ndocs = nd;
	docs = NULL;
	rc = 0;
done:
	if (docs) {
		for (d = 0; d < nd; d++)
			ecra_json_free(docs[d]);
		ecra_free(docs);
	}
	mstmts_free(m, n);
	ecra_free(sub);
	ecra_free(doc);
	ecra_free(pol);
	return rc == ECRA_ENOMEM ? ecra_error_set(rc, "out of memory") : rc;
}

/* The policy `scope_id` of a role (Policy "DefaultPolicy", or "Policy"
 * for an imported role) with the given statements (taken). */
static int build_policy(ecra_tnode *parent_role, const ecra_stack *stack,
    const ecra_role *role, const char *scope_id, ecra_json *roles_value,
    ecra_json *st)
{
	ecra_tnode *scope, *res;
	ecra_json *doc, *props = NULL, *tprops = NULL;

	scope = node_add(parent_role, scope_id, FQN_LIB "aws_iam.Policy");
	res = scope ? node_add(scope, "Resource", FQN_LIB "aws_iam.CfnPolicy")
	            : NULL;
	doc = policy_document(st);
	if (res == NULL || doc == NULL || roles_value == NULL)
		goto fail;
	/* The policy name is the logical id: allocate it first. */
	{
		ecra_strvec comps = ECRA_STRVEC_INIT;
		char *lid = NULL;
		int rc;

		if (ecra_strvec_push(&comps, role->id) < 0 ||
		    ecra_strvec_push(&comps, scope_id) < 0 ||
		    ecra_strvec_push(&comps, "Resource") < 0) {
			ecra_strvec_dispose(&comps);
			goto fail;
		}
		rc = ecra_assembly_unique_id(
		    &lid, (const char *const *)comps.items, comps.count);
		ecra_strvec_dispose(&comps);
		if (rc < 0) {
			ecra_json_free(doc);
			ecra_json_free(roles_value);
			return rc;
		}
		props = ecra_json_object();
		tprops = ecra_json_object();
		if (props == NULL || tprops == NULL ||
		    ecra_json_set(props, "PolicyDocument", doc) < 0 ||
		    ecra_json_set_str(props, "PolicyName", lid) < 0 ||
		    ecra_json_set(props, "Roles", roles_value) < 0 ||
		    ecra_json_set(tprops, "policyDocument", doc) < 0 ||
		    ecra_json_set_str(tprops, "policyName", lid) < 0 ||
		    ecra_json_set(tprops, "roles", roles_value) < 0) {
			ecra_free(lid);
			goto fail;
		}
		ecra_free(lid);
	}
	ecra_json_free(doc);
	ecra_json_free(roles_value);
	/* A deep copy: the template and the tree must not share values. */
	{
		ecra_json *tp = ecra_json_copy(tprops);

		ecra_json_free(tprops);
		return make_resource(res, stack, "AWS::IAM::Policy", props, tp);
	}
fail:
	ecra_json_free(doc);
	ecra_json_free(roles_value);
	ecra_json_free(props);
	ecra_json_free(tprops);
	return ecra_error_set(ECRA_ENOMEM, "out of memory");
}

/* ManagedPolicy "OverflowPolicy<k>" of a role, attached to it. */
static int build_overflow_policy(ecra_tnode *rn, const ecra_stack *stack,
    size_t k, const ecra_json *roles_value, ecra_json *st)
{
	ecra_tnode *scope, *res;
	ecra_json *doc, *props = NULL, *tprops = NULL;
	ecra_buf id = ECRA_BUF_INIT(0), desc = ECRA_BUF_INIT(0);
	int rc = ECRA_ENOMEM;

	doc = policy_document(st);
	if (doc == NULL || ecra_buf_printf(&id, "OverflowPolicy%zu", k) < 0 ||
	    ecra_buf_printf(&desc, "Part of the policies for %s", rn->path) < 0)
		goto done;
	scope = node_add(rn, id.ptr, FQN_LIB "aws_iam.ManagedPolicy");
	res = scope ? node_add(
	                  scope, "Resource", FQN_LIB "aws_iam.CfnManagedPolicy")
	            : NULL;
	props = ecra_json_object();
	tprops = ecra_json_object();
	if (res == NULL || props == NULL || tprops == NULL ||
	    ecra_json_set_str(props, "Description", desc.ptr) < 0 ||
	    ecra_json_set_str(props, "Path", "/") < 0 ||
	    ecra_json_set_new(props, "PolicyDocument", ecra_json_copy(doc)) <
	        0 ||
	    ecra_json_set_new(props, "Roles", ecra_json_copy(roles_value)) <
	        0 ||
	    ecra_json_set_str(tprops, "description", desc.ptr) < 0 ||
	    ecra_json_set_str(tprops, "path", "/") < 0 ||
	    ecra_json_set_new(tprops, "policyDocument", ecra_json_copy(doc)) <
	        0 ||
	    ecra_json_set_new(tprops, "roles", ecra_json_copy(roles_value)) < 0)
		goto done;
	rc =
	    make_resource(res, stack, "AWS::IAM::ManagedPolicy", props, tprops);
	props = NULL;
	tprops = NULL;
done:
	ecra_json_free(doc);
	ecra_json_free(props);
	ecra_json_free(tprops);
	ecra_buf_dispose(&id);
	ecra_buf_dispose(&desc);
	return rc == ECRA_ENOMEM ? ecra_error_set(rc, "out of memory") : rc;
}

/* The role's DefaultPolicy, split as Role.splitLargePolicy does: what
 * does not fit goes to ManagedPolicy resources OverflowPolicy1, ... */
static int build_default_policy(ecra_tnode *rn, const ecra_stack *stack,
    const ecra_role *r, ecra_json *roles)
{
	ecra_json **docs = NULL, *overflow_roles = NULL;
	size_t nd = 0, k;
	int rc;

	rc = policy_docs(&docs, &nd, stack, r, true);
	if (rc < 0) {
		ecra_json_free(roles);
		return rc;
	}
	/* More than 10 (20) managed policies need a quota increase (are
	 * more than a role takes). */
	if (nd - 1 > 10) {
		ecra_buf msg = ECRA_BUF_INIT(0);

		rc =
		    nd - 1 > 20
		        ? ecra_buf_printf(&msg,
		              "Policy too large: %zu exceeds the maximum of 20 "
		              "managed policies attached to a Role [ack: "
		              "@aws-cdk/aws-iam:rolePolicyTooLarge]",
		              nd - 1)
		        : ecra_buf_printf(&msg,
		              "Policy large: %zu exceeds 10 managed policies "
		              "attached to a Role, this requires a quota "
		              "increase [ack: "
		              "@aws-cdk/aws-iam:rolePolicyLarge]",
		              nd - 1);
		if (rc == 0)
			rc = add_meta(
			    rn, "aws:cdk:warning", ecra_json_str(msg.ptr));
		if (rc == 0)
			ecra_assembly_warn(stack->app, "[Warning at /%s] %s",
			    rn->path, msg.ptr);
		ecra_buf_dispose(&msg);
		if (rc < 0) {
			for (k = 0; k < nd; k++)
				ecra_json_free(docs[k]);
			ecra_free(docs);
			ecra_json_free(roles);
			return ecra_error_set(ECRA_ENOMEM, "out of memory");
		}
	}
	overflow_roles = ecra_json_copy(roles);
	rc = build_policy(rn, stack, r, "DefaultPolicy", roles, docs[0]);
	docs[0] = NULL;
	if (rc == 0 && overflow_roles == NULL)
		rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
	for (k = 1; k < nd; k++) {
		if (rc == 0)
			rc = build_overflow_policy(
			    rn, stack, k, overflow_roles, docs[k]);
		else
			ecra_json_free(docs[k]);
	}
	ecra_json_free(overflow_roles);
	ecra_free(docs);
	return rc;
}

static int build_role(ecra_tnode *sn, ecra_stack *stack, const ecra_role *r)
{
	ecra_tnode *rn, *res;
	ecra_json *st = NULL, *stmts = NULL, *doc = NULL, *props, *tprops;
	int rc;

	if (r->role_arn) {
		/* Role.fromRoleArn of another account imports "MutableRole<id>"
		 * and wraps it in an ImmutableRole "<id>". */
		if (r->immutable) {
			ecra_buf b = ECRA_BUF_INIT(0);

			if (ecra_buf_printf(&b, "MutableRole%s", r->id) < 0 ||
			    node_add(sn, b.ptr, FQN_LIB "Resource") == NULL) {
				ecra_buf_dispose(&b);
				return ecra_error_set(
				    ECRA_ENOMEM, "out of memory");
			}
			ecra_buf_dispose(&b);
		}
		rn = node_add(sn, r->id, FQN_LIB "Resource");
		if (rn == NULL)
			return ecra_error_set(ECRA_ENOMEM, "out of memory");
		if (r->statements == NULL)
			return 0;
		{
			ecra_json *roles = ecra_json_array();

			if (roles == NULL ||
			    ecra_json_push_new(
			        roles, ecra_json_str(r->role_name)) < 0) {
				ecra_json_free(roles);
				return ecra_error_set(
				    ECRA_ENOMEM, "out of memory");
			}
			{
				ecra_json **docs = NULL;
				size_t nd = 0;

				rc = policy_docs(&docs, &nd, stack, r, false);
				if (rc < 0) {
					ecra_json_free(roles);
					return rc;
				}
				rc = build_policy(
				    rn, stack, r, "Policy", roles, docs[0]);
				ecra_free(docs);
				return rc;
			}
		}
	}
	rn = node_add(sn, r->id, FQN_LIB "aws_iam.Role");
	res = rn ? node_add(rn, "Resource", FQN_LIB "aws_iam.CfnRole") : NULL;
	if (res == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	st = ecra_json_object();
	stmts = ecra_json_array();
	if (st == NULL || stmts == NULL ||
	    ecra_json_set_str(st, "Action", "sts:AssumeRole") < 0 ||
	    ecra_json_set_str(st, "Effect", "Allow") < 0 ||
	    ecra_json_set_new(st, "Principal",
	        obj1("Service", ecra_json_str(r->assumed_by))) < 0 ||
	    ecra_json_push(stmts, st) < 0) {
		ecra_json_free(st);
		ecra_json_free(stmts);
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	}
	ecra_json_free(st);
	doc = policy_document(stmts);
	props = obj1("AssumeRolePolicyDocument", ecra_json_copy(doc));
	tprops = obj1("assumeRolePolicyDocument", ecra_json_copy(doc));
	ecra_json_free(doc);
	rc = make_resource(res, stack, "AWS::IAM::Role", props, tprops);
	if (rc < 0 || r->statements == NULL)
		return rc;
	{
		ecra_json *roles = ecra_json_array();

		if (roles == NULL ||
		    ecra_json_push_new(roles,
		        obj1("Ref", ecra_json_str(res->logical_id))) < 0) {
			ecra_json_free(roles);
			return ecra_error_set(ECRA_ENOMEM, "out of memory");
		}
		return build_default_policy(rn, stack, r, roles);
	}
}

static int build_output(ecra_tnode *sn, ecra_stack *stack, const ecra_output *o)
{
	ecra_tnode *n = node_add(sn, o->id, FQN_LIB "CfnOutput");
	ecra_json *body = ecra_json_object(), *v = NULL;

	if (n == NULL || body == NULL)
		goto fail;
	switch (o->kind) {
	case ECRA_OUTPUT_IMAGE_URI:
		v = ecra_assembly_cfnify(o->asset->image_uri);
		break;
	case ECRA_OUTPUT_IMAGE_TAG:
		v = ecra_assembly_cfnify(o->asset->image_tag);
		break;
	case ECRA_OUTPUT_REPOSITORY_NAME:
		v = ecra_assembly_cfnify(o->asset->repository_name);
		break;
	default:
		v = ecra_json_str(o->value);
		break;
	}
	if ((o->description &&
	        ecra_json_set_str(body, "Description", o->description) < 0) ||
	    ecra_json_set_new(body, "Value", v) < 0)
		goto fail;
	if (o->export_name &&
	    ecra_json_set_new(body, "Export",
	        obj1("Name", ecra_json_str(o->export_name))) < 0)
		goto fail;
	return make_element(n, stack, "Outputs", body);
fail:
	ecra_json_free(body);
	return ecra_error_set(ECRA_ENOMEM, "out of memory");
}

static int build_bootstrap(ecra_tnode *sn, ecra_stack *stack)
{
	ecra_tnode *p =
	    node_add(sn, "BootstrapVersion", FQN_LIB "CfnParameter");
	ecra_tnode *r =
	    node_add(sn, "CheckBootstrapVersion", FQN_LIB "CfnRule");
	ecra_json *param = ecra_json_object(), *rule = NULL, *list, *contains;
	ecra_json *assertion, *assertions;
	int rc, i;
	char num[8];

	if (p == NULL || r == NULL || param == NULL)
		goto fail;
	if (ecra_json_set_str(
	        param, "Type", "AWS::SSM::Parameter::Value<String>") < 0 ||
	    ecra_json_set_str(param, "Default", stack->ssm_parameter) < 0 ||
	    ecra_json_set_str(param, "Description",
	        "Version of the CDK Bootstrap resources in this environment, "
	        "automatically retrieved from SSM Parameter Store. "
	        "[cdk:skip]") < 0)
		goto fail;
	rc = make_element(p, stack, "Parameters", param);
	param = NULL;
	if (rc < 0)
		return rc;
	list = ecra_json_array();
	for (i = 1; list && i < 6; i++) {
		snprintf(num, sizeof(num), "%d", i);
		if (ecra_json_push_new(list, ecra_json_str(num)) < 0)
			goto fail;
	}
	contains = ecra_json_array();
	if (contains == NULL || list == NULL ||
	    ecra_json_push_new(contains, list) < 0 ||
	    ecra_json_push_new(
	        contains, obj1("Ref", ecra_json_str("BootstrapVersion"))) < 0) {
		ecra_json_free(contains);
		goto fail;
	}
	{
		ecra_json *notl = ecra_json_array();

		if (notl == NULL || ecra_json_push_new(notl,
		                        obj1("Fn::Contains", contains)) < 0) {
			ecra_json_free(notl);
			goto fail;
		}
		assertion = ecra_json_object();
		if (assertion == NULL ||
		    ecra_json_set_new(
		        assertion, "Assert", obj1("Fn::Not", notl)) < 0 ||
		    ecra_json_set_str(assertion, "AssertDescription",
		        "CDK bootstrap stack version 6 required. Please run "
		        "'cdk bootstrap' with a recent version of the CDK "
		        "CLI.") < 0) {
			ecra_json_free(assertion);
			goto fail;
		}
	}
	assertions = ecra_json_array();
	if (assertions == NULL ||
	    ecra_json_push_new(assertions, assertion) < 0) {
		ecra_json_free(assertions);
		goto fail;
	}
	rule = obj1("Assertions", assertions);
	if (rule == NULL)
		goto fail;
	return make_element(r, stack, "Rules", rule);
fail:
	ecra_json_free(param);
	return ecra_error_set(ECRA_ENOMEM, "out of memory");
}

static int build_stack(ecra_tnode *root, ecra_stack *s)
{
	ecra_tnode *sn = node_add(root, s->id, FQN_LIB "Stack"), *an;
	ecra_buf b = ECRA_BUF_INIT(0);
	size_t i;
	int rc = 0;

	if (sn == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	sn->stack = s;
	if (ecra_buf_printf(&b, "%s.template.json", s->id) < 0 ||
	    (rc = add_meta(sn, "aws:cdk:templateFile", ecra_json_str(b.ptr))) <
	        0) {
		ecra_buf_dispose(&b);
		return rc < 0 ? rc
		              : ecra_error_set(ECRA_ENOMEM, "out of memory");
	}
	ecra_buf_dispose(&b);
	for (i = 0; i < s->child_count && rc == 0; i++) {
		const ecra_child *c = &s->children[i];

		switch (c->kind) {
		case CHILD_ASSET:
			an = node_add(sn, c->u.asset->id,
			    c->u.asset->kind == ECRA_IMAGE_ASSET_DOCKER
			        ? FQN_LIB "aws_ecr_assets.DockerImageAsset"
			        : FQN_LIB "aws_ecr_assets.TarballImageAsset");
			if (an == NULL ||
			    !node_add(an, "Staging", FQN_LIB "AssetStaging") ||
			    !node_add(an, "Repository",
			        FQN_LIB "aws_ecr.RepositoryBase"))
				return ecra_error_set(
				    ECRA_ENOMEM, "out of memory");
			if (c->u.asset->metadata)
				an->metadata =
				    ecra_json_copy(c->u.asset->metadata);
			break;
		case CHILD_ROLE:
			rc = build_role(sn, s, c->u.role);
			break;
		case CHILD_OUTPUT:
			rc = build_output(sn, s, c->u.output);
			break;
		}
	}
	if (rc == 0 && s->bootstrap_rule)
		rc = build_bootstrap(sn, s);
	return rc;
}

int ecra_assembly_build_tree(ecra_tnode **out, ecra_app *app)
{
	ecra_tnode *root = NULL;
	ecra_tnode *t;
	size_t i;
	int rc = 0;

	*out = NULL;
	root = node_add(NULL, "App", FQN_LIB "App");
	if (root == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	root->path[0] = '\0';
	for (i = 0; i < app->stack_count && rc == 0; i++)
		rc = build_stack(root, app->stacks[i]);
	if (rc == 0) {
		t = node_add(root, "Tree", "constructs.Construct");
		if (t == NULL)
			rc = ecra_error_set(ECRA_ENOMEM, "out of memory");
		else
			t->is_construct_lib = true;
	}
	if (rc < 0) {
		ecra_assembly_tree_free(root);
		return rc;
	}
	*out = root;
	return 0;
}

ecra_tnode *ecra_assembly_tree_stack(ecra_tnode *root, const ecra_stack *s)
{
	size_t i;

	for (i = 0; i < root->child_count; i++)
		if (root->children[i]->stack == s)
			return root->children[i];
	return NULL;
}

/* Template: DFS over the elements, sections in order of first use. */
static int collect(ecra_json *tmpl, const ecra_tnode *n)
{
	ecra_json *sec;
	size_t i;
	int rc;

	if (n->section) {
		sec = ecra_json_get(tmpl, n->section);
		if (sec == NULL) {
			if (ecra_json_set_new(
			        tmpl, n->section, ecra_json_object()) < 0)
				return ecra_error_set(
				    ECRA_ENOMEM, "out of memory");
			sec = ecra_json_get(tmpl, n->section);
		}
		if (ecra_json_get(sec, n->logical_id))
			return ecra_error_set(ECRA_EINVALID,
			    "section '%s' already contains '%s'", n->section,
			    n->logical_id);
		if (ecra_json_set(sec, n->logical_id, n->body) < 0)
			return ecra_error_set(ECRA_ENOMEM, "out of memory");
	}
	for (i = 0; i < n->child_count; i++)
		if ((rc = collect(tmpl, n->children[i])) < 0)
			return rc;
	return 0;
}

int ecra_assembly_template(
    ecra_json **out, ecra_tnode *sn, const ecra_stack *stack)
{
	ecra_json *t = ecra_json_object();
	size_t i;
	int rc;

	*out = NULL;
	if (t == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	if (stack->description &&
	    ecra_json_set_str(t, "Description", stack->description) < 0) {
		ecra_json_free(t);
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	}
	for (i = 0; i < sn->child_count; i++) {
		if ((rc = collect(t, sn->children[i])) < 0) {
			ecra_json_free(t);
			return rc;
		}
	}
	*out = t;
	return 0;
}

static ecra_json *render_node(const ecra_tnode *n)
{
	ecra_json *o = ecra_json_object(), *info = ecra_json_object();
	ecra_json *ch = NULL;
	size_t i;

	if (o == NULL || info == NULL ||
	    ecra_json_set_str(o, "id", n->id) < 0 ||
	    ecra_json_set_str(o, "path", n->path) < 0 ||
	    ecra_json_set_str(info, "fqn", n->fqn) < 0 ||
	    ecra_json_set_str(info, "version",
	        n->is_construct_lib ? ECRA_CONSTRUCTS_VERSION
	                            : ECRA_CDK_VERSION) < 0 ||
	    ecra_json_set(o, "constructInfo", info) < 0 ||
	    (n->attributes &&
	        ecra_json_set(o, "attributes", n->attributes) < 0))
		goto fail;
	if (n->child_count) {
		ch = ecra_json_object();
		if (ch == NULL)
			goto fail;
		for (i = 0; i < n->child_count; i++)
			if (ecra_json_set_new(ch, n->children[i]->id,
			        render_node(n->children[i])) < 0)
				goto fail;
		if (ecra_json_set_new(o, "children", ch) < 0) {
			ch = NULL;
			goto fail;
		}
		ch = NULL;
	}
	ecra_json_free(info);
	return o;
fail:
	ecra_json_free(ch);
	ecra_json_free(info);
	ecra_json_free(o);
	return NULL;
}

int ecra_assembly_tree(ecra_json **out, const ecra_tnode *root)
{
	ecra_json *t = ecra_json_object();

	*out = NULL;
	if (t == NULL || ecra_json_set_str(t, "version", "tree-0.1") < 0 ||
	    ecra_json_set_new(t, "tree", render_node(root)) < 0) {
		ecra_json_free(t);
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	}
	*out = t;
	return 0;
}

int ecra_assembly_stack_metadata(ecra_json **out, const ecra_tnode *sn)
{
	const ecra_tnode **queue = NULL, **grown;
	size_t head = 0, tail = 0, cap = 0, i;
	ecra_json *m = ecra_json_object();
	ecra_buf key = ECRA_BUF_INIT(0);
	int rc = 0;

	*out = NULL;
	if (m == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
#define PUSH(x)                                                            \
	do {                                                               \
		if (tail == cap) {                                         \
			cap = cap ? 2 * cap : 32;                          \
			grown = ecra_realloc(queue, cap * sizeof(*queue)); \
			if (grown == NULL) {                               \
				rc = ECRA_ENOMEM;                          \
				goto done;                                 \
			}                                                  \
			queue = grown;                                     \
		}                                                          \
		queue[tail++] = (x);                                       \
	} while (0)
	PUSH(sn);
	while (head < tail) {
		const ecra_tnode *n = queue[head++];

		if (n->metadata && ecra_json_size(n->metadata) > 0) {
			ecra_buf_clear(&key);
			if (ecra_buf_printf(&key, "/%s", n->path) < 0 ||
			    ecra_json_set(m, key.ptr, n->metadata) < 0) {
				rc = ECRA_ENOMEM;
				goto done;
			}
		}
		for (i = 0; i < n->child_count; i++)
			PUSH(n->children[i]);
	}
#undef PUSH
	*out = m;
	m = NULL;
done:
	ecra_free(queue);
	ecra_buf_dispose(&key);
	ecra_json_free(m);
	if (rc == ECRA_ENOMEM)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	return rc;
}
