package io.modstream.chaos;

/** Something a scenario started and must stop, whatever happened: close throws nothing. */
interface Stoppable extends AutoCloseable {
  @Override
  void close();
}
