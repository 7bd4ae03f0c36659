package io.ddlcast.producer.csvlog;

/**
 * The csvlog columns ddlcast reads, by their position in every layout since PostgreSQL 9.0 (the first 23 columns
 * never moved; 13 added {@code backend_type}, 14 {@code leader_pid} and {@code query_id}). See the layouts in
 * {@link CsvlogParser}.
 */
enum CsvColumn {
  LOG_TIME(0),
  USER_NAME(1),
  DATABASE_NAME(2),
  PROCESS_ID(3),
  SESSION_ID(5),
  SESSION_LINE_NUM(6),
  COMMAND_TAG(7),
  VIRTUAL_TRANSACTION_ID(9),
  TRANSACTION_ID(10),
  ERROR_SEVERITY(11),
  SQL_STATE_CODE(12),
  MESSAGE(13),
  DETAIL(14),
  CONTEXT(18),
  QUERY(19),
  APPLICATION_NAME(22),
  /** Only in the 24- and 26-column layouts (PostgreSQL 13 and later). */
  BACKEND_TYPE(23);

  /** The column count of each layout ddlcast reads: 9.0-12, 13, 14-17. */
  static final int[] LAYOUTS = {23, 24, 26};

  private final int index;

  CsvColumn(int index) {
    this.index = index;
  }

  int index() {
    return index;
  }
}
