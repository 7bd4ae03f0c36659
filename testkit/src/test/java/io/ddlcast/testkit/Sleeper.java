package io.ddlcast.testkit;

/** A child process for {@link JavaProcessTest}: prints its argument, then sleeps until killed. */
public final class Sleeper {

  private Sleeper() {
  }

  public static void main(String[] args) throws InterruptedException {
    System.out.println("ready " + String.join(" ", args) + " " + System.getenv("SLEEPER_ENV"));
    System.out.flush();
    Thread.sleep(60_000);
  }
}
