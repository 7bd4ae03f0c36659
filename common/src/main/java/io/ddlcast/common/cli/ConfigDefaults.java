package io.ddlcast.common.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies option values that were not given on the command line, from the environment first and then from the
 * properties file given by {@code --config}. Precedence: command line, environment, file, built-in default.
 *
 * <p>Naming: option {@code --bootstrap-servers} is {@code DDLCAST_BOOTSTRAP_SERVERS} in the environment and
 * {@code bootstrap.servers} in the file.
 */
public final class ConfigDefaults implements IDefaultValueProvider {
  public static final String ENV_PREFIX = "DDLCAST_";

  private final Properties file;
  private final Map<String, String> env;

  public ConfigDefaults(Properties file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String name = stripDashes(option.longestName());
    String fromEnv = env.get(envName(name));
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv;
    }
    String fromFile = file.getProperty(propertyName(name));
    return fromFile != null ? fromFile.strip() : null;
  }

  /** The keys of the {@code --config} file that start with {@code prefix}, without it. */
  public Map<String, String> fileKeys(String prefix) {
    Map<String, String> out = new TreeMap<>();
    for (String key : file.stringPropertyNames()) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        out.put(key.substring(prefix.length()), file.getProperty(key));
      }
    }
    return out;
  }

  public Map<String, String> environment() {
    return env;
  }

  public static String envName(String optionName) {
    return ENV_PREFIX + stripDashes(optionName).replace('-', '_').toUpperCase(Locale.ROOT);
  }

  public static String propertyName(String optionName) {
    return stripDashes(optionName).replace('-', '.');
  }

  static String stripDashes(String name) {
    int i = 0;
    while (i < name.length() && name.charAt(i) == '-') {
      i++;
    }
    return name.substring(i);
  }
}
