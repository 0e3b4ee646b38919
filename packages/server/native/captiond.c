/*
 * captiond: streaming speech recognition for Convene's live captions.
 *
 * Reads 16 kHz mono signed 16-bit little-endian PCM on stdin, runs PocketSphinx (Debian's
 * libpocketsphinx with the US-English model), and writes one JSON object per line on stdout:
 *   {"type":"partial","text":"..."}   while an utterance is in progress (at most every 250 ms)
 *   {"type":"final","text":"..."}     when the utterance ends (silence detected by the VAD)
 * Utterances are segmented on silence with PocketSphinx's own voice activity detection.
 * Usage: captiond [-hmm DIR] [-lm FILE] [-dict FILE]   (defaults: the en-us model)
 */
#include <pocketsphinx.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void emit(const char *type, const char *text) {
  fputs("{\"type\":\"", stdout);
  fputs(type, stdout);
  fputs("\",\"text\":\"", stdout);
  for (const char *p = text ? text : ""; *p; p++) {
    if (*p == '"' || *p == '\\') putchar('\\');
    if ((unsigned char)*p >= 0x20) putchar(*p);
  }
  fputs("\"}\n", stdout);
  fflush(stdout);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int main(int argc, char *argv[]) {
  const char *hmm = MODELDIR "/en-us/en-us";
  const char *lm = MODELDIR "/en-us/en-us.lm.bin";
  const char *dict = MODELDIR "/en-us/cmudict-en-us.dict";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "-hmm")) hmm = argv[i + 1];
    else if (!strcmp(argv[i], "-lm")) lm = argv[i + 1];
    else if (!strcmp(argv[i], "-dict")) dict = argv[i + 1];
  }
  cmd_ln_t *config = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", hmm, "-lm", lm, "-dict", dict, "-logfn", "/dev/null", NULL);
  if (!config) { fprintf(stderr, "captiond: bad configuration\n"); return 2; }
  ps_decoder_t *ps = ps_init(config);
  if (!ps) { fprintf(stderr, "captiond: cannot load the model\n"); return 2; }

  int16 buf[1600]; /* 100 ms */
  int in_speech = 0;
  double last_partial = 0;
  char last_text[4096] = "";
  ps_start_utt(ps);
  size_t n;
  while ((n = fread(buf, sizeof(int16), 1600, stdin)) > 0) {
    ps_process_raw(ps, buf, n, FALSE, FALSE);
    uint8 speech = ps_get_in_speech(ps);
    if (speech && !in_speech) { in_speech = 1; last_text[0] = 0; }
    if (speech && now_ms() - last_partial >= 250) {
      const char *hyp = ps_get_hyp(ps, NULL);
      if (hyp && *hyp && strcmp(hyp, last_text)) {
        strncpy(last_text, hyp, sizeof last_text - 1);
        emit("partial", hyp);
      }
      last_partial = now_ms();
    }
    if (!speech && in_speech) {
      ps_end_utt(ps);
      const char *hyp = ps_get_hyp(ps, NULL);
      if (hyp && *hyp) emit("final", hyp);
      ps_start_utt(ps);
      in_speech = 0;
    }
  }
  ps_end_utt(ps);
  if (in_speech) {
    const char *hyp = ps_get_hyp(ps, NULL);
    if (hyp && *hyp) emit("final", hyp);
  }
  ps_free(ps);
  cmd_ln_free_r(config);
  return 0;
}
