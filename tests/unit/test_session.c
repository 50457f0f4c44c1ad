/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Session table: key ids agree between the ends, confirmation, replacement, eviction, expiry. */
#include <string.h>

#include "session.h"
#include "unit.h"

static struct seal_key key(uint8_t fill)
{
	struct seal_key k = { .cipher = SEAL_CHACHA20_POLY1305 };

	memset(k.key, fill, sizeof(k.key));
	return k;
}

START_TEST(key_ids_agree_between_ends)
{
	struct session_table a, b;
	struct seal_key k1 = key(1), k2 = key(2);
	struct session *sa, *sb;

	session_table_init(&a);
	session_table_init(&b);
	sa = session_add(&a, true, 3, &k1, &k2, 100);  /* A initiated epoch 3 */
	sb = session_add(&b, false, 3, &k2, &k1, 100); /* B answered it */
	ck_assert_ptr_eq(session_for_rx(&b, session_key_id(sa)), sb);
	ck_assert_ptr_eq(session_for_rx(&a, session_key_id(sb)), sa);
	ck_assert_uint_ne(session_key_id(sa), 0);
	ck_assert_uint_ne(session_key_id(sb), 0);
	ck_assert_ptr_null(session_for_rx(&a, session_key_id(sa))); /* our own id names nothing of ours */
}
END_TEST

START_TEST(responder_waits_for_confirmation)
{
	struct session_table b;
	struct seal_key k = key(1);
	struct session *old, *fresh;

	session_table_init(&b);
	ck_assert_ptr_null(session_for_tx(&b));
	old = session_add(&b, false, 1, &k, &k, 100);
	ck_assert_ptr_null(session_for_tx(&b)); /* the initiator may not have it yet */
	old->confirmed = true;
	ck_assert_ptr_eq(session_for_tx(&b), old);
	fresh = session_add(&b, false, 2, &k, &k, 200);
	ck_assert_ptr_eq(session_for_tx(&b), old); /* keep sending under the old keys until confirmed */
	fresh->confirmed = true;
	ck_assert_ptr_eq(session_for_tx(&b), fresh);
	ck_assert_ptr_eq(session_for_rx(&b, 1), old); /* frames in flight under the old keys still open */
}
END_TEST

START_TEST(same_epoch_replaces_and_oldest_is_evicted)
{
	struct session_table t;
	struct seal_key k = key(1), k2 = key(9);
	struct session *s;

	session_table_init(&t);
	for (uint8_t e = 1; e <= SESSION_SLOTS; e++)
		session_add(&t, true, e, &k, &k, 100 + e);
	s = session_add(&t, true, 2, &k2, &k2, 500); /* retried handshake of epoch 2 */
	ck_assert_uint_eq(s->tx.key[0], 9);
	ck_assert_ptr_nonnull(session_for_rx(&t, 1 | SESSION_KEY_RESPONDER));
	session_add(&t, true, 7, &k, &k, 600); /* table full: epoch 1 (oldest) goes */
	ck_assert_ptr_null(session_for_rx(&t, 1 | SESSION_KEY_RESPONDER));
	ck_assert_ptr_nonnull(session_for_rx(&t, 7 | SESSION_KEY_RESPONDER));
	ck_assert_uint_eq(session_newest_mine(&t)->epoch, 7);
}
END_TEST

/* Answers that never reach the initiator (retried every second) leave the session in use alone. */
START_TEST(unconfirmed_answers_never_push_out_the_session_in_use)
{
	struct session_table b;
	struct seal_key k = key(1);
	struct session *in_use;

	session_table_init(&b);
	in_use = session_add(&b, false, 1, &k, &k, 100);
	in_use->confirmed = true;
	for (uint8_t e = 2; e < 2 + 3 * SESSION_SLOTS; e++)
		session_add(&b, false, e, &k, &k, 100 + e);
	ck_assert_ptr_eq(session_for_tx(&b), in_use);
	ck_assert_ptr_eq(session_for_rx(&b, 1), in_use);
	/* The newest of the unanswered ones is there: the next frame under it confirms it. */
	ck_assert_ptr_nonnull(session_for_rx(&b, 1 + 3 * SESSION_SLOTS));
}
END_TEST

START_TEST(expiry_and_fresh_replay_window)
{
	struct session_table t;
	struct seal_key k = key(1);
	struct session *s;

	session_table_init(&t);
	s = session_add(&t, true, 1, &k, &k, 0);
	replay_commit(&s->replay, 42);
	s = session_add(&t, true, 1, &k, &k, 10); /* a new handshake: a new window */
	ck_assert_int_eq(replay_check(&s->replay, 42), REPLAY_OK);
	session_add(&t, true, 2, &k, &k, 1000);
	session_expire(&t, 1011, 1000);
	ck_assert_ptr_null(session_for_rx(&t, 1 | SESSION_KEY_RESPONDER));
	ck_assert_ptr_nonnull(session_for_rx(&t, 2 | SESSION_KEY_RESPONDER));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("session");

	tcase_add_test(tc, key_ids_agree_between_ends);
	tcase_add_test(tc, responder_waits_for_confirmation);
	tcase_add_test(tc, same_epoch_replaces_and_oldest_is_evicted);
	tcase_add_test(tc, unconfirmed_answers_never_push_out_the_session_in_use);
	tcase_add_test(tc, expiry_and_fresh_replay_window);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
