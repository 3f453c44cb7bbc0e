package dev.neurite.console.security;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Hashtable;

/**
 * Who may log in to the Felix Web Console. The console's built-in login is admin/admin until
 * someone configures it; this component replaces it.
 * <p>
 * How the default is shut out, with no window at start-up: the image sets the framework
 * property {@code felix.webconsole.security.providers=}{@value #PROVIDER_ID}. With it, the
 * console (5.x) registers its servlets only while a {@code SecurityProvider} with
 * {@code webconsole.security.provider.id=}{@value #PROVIDER_ID} is present, and its own
 * user/password provider refuses every login. So before this component runs, and after it
 * stops, the console is simply not served; while it runs, only the credentials below work.
 * The service ranking also puts this provider ahead of the console's fallback (ranked
 * {@link Integer#MIN_VALUE}) in runtimes that lack the framework property.
 * <p>
 * The provider is registered by hand rather than as this component's service: DS would copy
 * the configuration, password included, into the service properties for anyone to read.
 */
@Component(configurationPid = ConsoleLogin.PID, immediate = true)
@Designate(ocd = ConsoleLogin.Config.class)
public class ConsoleLogin {

    public static final String PID = "dev.neurite.console";
    /** The provider id the image requires through {@code felix.webconsole.security.providers}. */
    public static final String PROVIDER_ID = "neurite";
    /** Home-relative location of the generated password. */
    public static final String DEFAULT_FILE = "etc/console-credentials";
    static final String HOME_PROPERTY = "neurite.home";

    private static final System.Logger LOG = System.getLogger(ConsoleLogin.class.getName());

    @ObjectClassDefinition(name = "Neurite Web Console login",
            description = "Credentials for the Felix Web Console. Without a password, a random one is generated "
                    + "on first start and kept in an owner-only file under the runtime home.")
    public @interface Config {
        @AttributeDefinition(name = "User name", description = "Login name")
        String username() default "admin";

        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
                description = "Plain text, or {sha-256} followed by the Base64 SHA-256 of the password. "
                        + "Empty: the generated password in the credentials file")
        String password() default "";

        @AttributeDefinition(name = "Credentials file", required = false,
                description = "Where the generated password is kept; relative paths are under the runtime home. "
                        + "Empty: " + DEFAULT_FILE)
        String credentialsFile() default "";

        @AttributeDefinition(name = "Realm", description = "Shown by browsers in the login prompt")
        String realm() default "Neurite";
    }

    private final BundleContext context;
    private final BasicAuthProvider provider;
    private final ServiceRegistration<SecurityProvider> registration;

    @Activate
    public ConsoleLogin(BundleContext context, Config config) {
        this.context = context;
        this.provider = new BasicAuthProvider(credentials(config));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(SecurityProvider.PROPERTY_ID, PROVIDER_ID);
        properties.put(Constants.SERVICE_RANKING, 1000);
        properties.put(Constants.SERVICE_DESCRIPTION, "Neurite Web Console login (configuration " + PID + ")");
        this.registration = context.registerService(SecurityProvider.class, provider, properties);
    }

    /** Swaps the credentials in place, so the console stays up across a configuration change. */
    @Modified
    void modified(Config config) {
        provider.update(credentials(config));
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // Already gone with the bundle.
        }
    }

    /** Never throws: any problem yields credentials nobody can match (fail closed) and an error in the log. */
    private BasicAuthProvider.Credentials credentials(Config config) {
        String username = config.username() == null || config.username().isBlank() ? "admin" : config.username().trim();
        String realm = config.realm() == null || config.realm().isBlank() ? "Neurite" : config.realm().trim();
        String configured = config.password();
        if (configured != null && !configured.isEmpty()) {
            try {
                Password password = Password.parse(configured);
                LOG.log(Level.INFO, "Web Console login: user ''{0}'' with the password from configuration {1}", username, PID);
                return new BasicAuthProvider.Credentials(username, password, realm);
            } catch (IllegalArgumentException e) {
                LOG.log(Level.ERROR, "Web Console login is refused to everyone: configuration {0} is invalid: {1}", PID,
                        e.getMessage());
                return new BasicAuthProvider.Credentials(username, null, realm);
            }
        }
        Path file = home().resolve(config.credentialsFile() == null || config.credentialsFile().isBlank()
                ? DEFAULT_FILE : config.credentialsFile().trim()).normalize();
        try {
            CredentialsFile.Loaded loaded = CredentialsFile.loadOrCreate(file, username);
            if (loaded.generated()) {
                // Printed once, on the start that created it: later starts only say where it is.
                System.out.println("Neurite Web Console: generated password for user '" + username + "': " + loaded.password());
                System.out.println("  It is kept in " + file + " (owner-only) and will not be shown again.");
            } else {
                LOG.log(Level.INFO, "Web Console login: user ''{0}'' with the password kept in {1}", username, file);
            }
            if (loaded.tightened()) {
                LOG.log(Level.WARNING, "{0} was readable by other users; its permissions were reset to owner-only (0600). "
                        + "Consider the password exposed and delete the file to have a new one generated", file);
            }
            return new BasicAuthProvider.Credentials(username, Password.parse(loaded.password()), realm);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "Web Console login is refused to everyone: the credentials file " + file
                    + " cannot be used: " + e.getMessage(), e);
            return new BasicAuthProvider.Credentials(username, null, realm);
        }
    }

    /** The runtime home, as the runtime bundle defines it: framework property {@value #HOME_PROPERTY}, else the working directory. */
    private Path home() {
        String configured = context.getProperty(HOME_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getProperty("user.dir");
        }
        return Path.of(configured).toAbsolutePath().normalize();
    }
}
