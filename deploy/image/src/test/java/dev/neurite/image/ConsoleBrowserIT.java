package dev.neurite.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Neurite console pages in a real browser: headless Chromium logs in, visits every page,
 * starts a job from the Jobs form, watches its loss chart grow and cancels it. A screenshot of
 * each page goes to {@code target/screenshots}. Without Chromium the test is skipped, unless
 * {@code NEURITE_REQUIRE_BROWSER=1} (set by CI, which installs it) makes that a failure.
 */
@Timeout(420)
class ConsoleBrowserIT extends ImageTestSupport {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void consolePagesShowJobsModelsDevicesAndLiveCharts() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "Chromium and chromedriver are needed at " + CHROMIUM + " and " + CHROMEDRIVER
                + " (apt-get install chromium chromium-driver)";
        if ("1".equals(System.getenv("NEURITE_REQUIRE_BROWSER"))) {
            assertTrue(present, missing);
        } else {
            assumeTrue(present, missing);
        }
        Path datasets = datasets();
        Path home = temp.resolve("home");
        RuntimeProcess rt = start(home, Map.of("neurite.data.dirs", datasets.toString()));
        rt.awaitReady(READY_TIMEOUT);
        String password = ConsoleSecurityIT.generatedPassword(home);
        // A finished job first, so the Models page has a real model to show.
        String finished = submit(rt, "neurite:train softmax-regression dataset=mnist/train epochs=1 name=digits");
        assertEquals("SUCCEEDED", state(awaitJobState(rt, finished, Duration.ofSeconds(150), "SUCCEEDED", "FAILED", "CANCELLED")));

        Path screenshots = Files.createDirectories(Path.of(System.getProperty("neurite.screenshots", "target/screenshots")));
        ChromeDriver browser = chromium(temp.resolve("chromium-profile"));
        try {
            String console = "http://127.0.0.1:" + rt.port + "/system/console/";
            WebDriverWait wait = new WebDriverWait(browser, WAIT);

            // Without credentials the console answers 401 and shows none of its pages.
            browser.get(console + "neurite-jobs");
            assertFalse(browser.getPageSource().contains("Start a job"), "a page was served without credentials");
            logIn(browser, password);

            browser.get(console + "neurite-jobs");
            assertTrue(browser.findElement(By.id("jobs")).getText().contains(finished), "the finished job is listed");
            new Select(browser.findElement(By.id("algorithm-select"))).selectByValue("softmax-regression");
            WebElement form = browser.findElement(By.id("start-softmax-regression"));
            assertTrue(form.isDisplayed());
            WebElement epochs = form.findElement(By.name("hp.epochs"));
            epochs.clear();
            epochs.sendKeys("500");
            WebElement name = form.findElement(By.name("modelName"));
            name.sendKeys("browser-run");
            form.findElement(By.id("submit-softmax-regression")).click();

            wait.until(d -> d.getCurrentUrl().contains("?job="));
            Matcher id = Pattern.compile("\\?job=(job-[A-Za-z0-9-]+)").matcher(browser.getCurrentUrl());
            assertTrue(id.find(), browser.getCurrentUrl());
            String job = id.group(1);
            assertEquals(job, browser.findElement(By.id("charted-job")).getText());
            wait.until(d -> "RUNNING".equals(d.findElement(By.id("state-" + job)).getText()));
            // The chart is fed by polling: its point count must grow while the page stays loaded.
            int first = awaitPoints(wait, "loss-chart", 2);
            int later = awaitPoints(wait, "loss-chart", first + 2);
            assertTrue(later > first);
            assertFalse(browser.findElements(By.cssSelector("#loss-chart canvas")).isEmpty(), "uPlot drew no canvas");
            String series = browser.findElement(By.id("loss-chart")).getDomAttribute("data-series");
            assertTrue(series != null && series.startsWith("loss"), "series " + series);
            screenshot(browser, screenshots, "jobs.png");

            browser.get(console + "neurite-accelerators");
            assertTrue(browser.findElement(By.id("devices")).getText().contains("java:cpu:0"));
            assertTrue(browser.findElement(By.id("placements")).getText().contains(job), "the running job is placed");
            assertTrue(browser.findElement(By.cssSelector("tr[data-device='java:cpu:0'] td.slots")).getText().contains("1 of "),
                    "one job slot in use");
            screenshot(browser, screenshots, "accelerators.png");

            browser.get(console + "neurite-device");
            awaitPoints(wait, "cpu-chart", 2);
            wait.until(d -> d.findElement(By.id("mqtt-connected")).getText().startsWith("connected to tcp://"));
            assertTrue(browser.findElement(By.id("memory-used")).getText().contains(" of "));
            assertFalse(browser.findElements(By.cssSelector("#memory-chart canvas")).isEmpty());
            screenshot(browser, screenshots, "device.png");

            browser.get(console + "neurite-models");
            WebElement models = browser.findElement(By.id("models"));
            assertTrue(models.getText().contains("digits"), models.getText());
            assertTrue(models.getText().contains("test.accuracy="), models.getText());
            browser.findElement(By.linkText("digits")).click();
            wait.until(d -> d.findElement(By.id("model-details")).getText().equals("Model digits:1"));
            assertTrue(browser.findElement(By.id("model-layers")).getText().contains("softmax"));
            assertTrue(browser.findElement(By.id("model-files")).getText().contains("model.safetensors"));
            screenshot(browser, screenshots, "models.png");

            browser.get(console + "neurite-jobs?job=" + job);
            awaitPoints(wait, "loss-chart", later);
            browser.findElement(By.id("cancel-" + job)).click();
            wait.until(d -> "CANCELLED".equals(d.findElement(By.id("state-" + job)).getText()));
            assertTrue(browser.findElement(By.id("reason-" + job)).getText().contains("cancelled in the web console by admin"),
                    browser.findElement(By.id("reason-" + job)).getText());
            assertTrue(browser.findElements(By.id("cancel-" + job)).isEmpty(), "an ended job offers no cancel");
            screenshot(browser, screenshots, "jobs-cancelled.png");
            String answer = awaitJobState(rt, job, Duration.ofSeconds(30), "CANCELLED", "SUCCEEDED", "FAILED");
            assertEquals("CANCELLED", state(answer), "the runtime agrees: " + answer);
        } finally {
            browser.quit();
        }
    }

    private static ChromeDriver chromium(Path profile) throws IOException {
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Without the background-networking switches Chromium stalls on a closed network.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1300", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Sends the console's Basic credentials with every request of the browser, page loads and polls alike. */
    private static void logIn(ChromeDriver browser, String password) {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", basic)));
    }

    /** Waits until the chart holds at least {@code least} points and returns how many it holds. */
    private static int awaitPoints(WebDriverWait wait, String chart, int least) {
        return wait.until(d -> {
            String points = d.findElement(By.id(chart)).getDomAttribute("data-points");
            int n = points == null ? 0 : Integer.parseInt(points);
            return n >= least ? n : null;
        });
    }

    private static void screenshot(ChromeDriver browser, Path dir, String name) throws IOException {
        Files.write(dir.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }
}
