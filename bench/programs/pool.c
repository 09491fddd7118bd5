/*
 * pool.c - a thread pool: the main thread submits tasks (a malloc'd task
 * with a malloc'd payload) to a queue under a mutex; four workers take
 * them, build a result of a few blocks, free the task and hand the result
 * back; the main thread frees the results.  Blocks cross threads both
 * ways, as in an executor passing requests and responses.
 * Usage: pool [tasks]   (default 400000)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WORKERS = 4, DEPTH = 256 };

struct task {
	struct task *next;
	size_t len;
	char *payload;
	char *parts[4];
};

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	struct task *head, *tail;
	int n, closed;
};

static struct queue todo = { PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0 };
static struct queue done = { PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0 };

static void
put(struct queue *q, struct task *t, int bounded)
{
	pthread_mutex_lock(&q->lock);
	while (bounded && q->n >= DEPTH)
		pthread_cond_wait(&q->room, &q->lock);
	t->next = NULL;
	if (q->tail != NULL)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	q->n++;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->lock);
}

static struct task *
take(struct queue *q, int wait)
{
	struct task *t;

	pthread_mutex_lock(&q->lock);
	while (wait && q->head == NULL && !q->closed)
		pthread_cond_wait(&q->more, &q->lock);
	if ((t = q->head) != NULL) {
		q->head = t->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->n--;
		pthread_cond_signal(&q->room);
	}
	pthread_mutex_unlock(&q->lock);
	return t;
}

static void *
worker(void *arg)
{
	struct task *t;

	(void)arg;
	while ((t = take(&todo, 1)) != NULL) {
		struct task *r = malloc(sizeof *r);
		unsigned sum = 0;

		if (r == NULL)
			exit(1);
		for (size_t i = 0; i < t->len; i++)
			sum += (unsigned char)t->payload[i];
		r->len = t->len / 2 + 1;
		for (int k = 0; k < 4; k++) {
			if ((r->parts[k] = malloc(32 + (sum + k * 97) % 700)) == NULL)
				exit(1);
			r->parts[k][0] = (char)sum;
		}
		r->payload = NULL;
		free(t->payload);
		free(t);
		put(&done, r, 0);
	}
	return NULL;
}

static unsigned long
reap(int wait)
{
	unsigned long sum = 0;
	struct task *r;

	while ((r = take(&done, wait)) != NULL) {
		for (int k = 0; k < 4; k++) {
			sum += (unsigned char)r->parts[k][0];
			free(r->parts[k]);
		}
		free(r);
		wait = 0;
	}
	return sum;
}

int
main(int argc, char **argv)
{
	long tasks = argc > 1 ? atol(argv[1]) : 400000;
	pthread_t w[WORKERS];
	unsigned long sum = 0;

	for (int i = 0; i < WORKERS; i++)
		if (pthread_create(&w[i], NULL, worker, NULL) != 0)
			return 1;
	for (long i = 0; i < tasks; i++) {
		struct task *t = malloc(sizeof *t);

		if (t == NULL || (t->payload = malloc(t->len = 64 + i % 2000)) == NULL)
			return 1;
		memset(t->payload, (int)i, t->len);
		put(&todo, t, 1);
		if (i % 64 == 0)
			sum += reap(0);
	}
	pthread_mutex_lock(&todo.lock);
	todo.closed = 1;
	pthread_cond_broadcast(&todo.more);
	pthread_mutex_unlock(&todo.lock);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(w[i], NULL);
	sum += reap(0);
	printf("%lu\n", sum);
	return 0;
}
