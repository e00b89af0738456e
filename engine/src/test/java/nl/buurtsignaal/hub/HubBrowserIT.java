package nl.buurtsignaal.hub;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.lake.Lake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The hub as a hub analyst uses it, in Debian's headless chromium: log in, filter the queue, open
 * a signal and read why it fired, propose a forwarding, have a second person approve it, click the
 * map, and see it all in the auditor's page. Screenshots go to target/screenshots/.
 */
class HubBrowserIT extends SparkTestBase {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = nl.buurtsignaal.TestPaths.build().resolve("screenshots");

    @TempDir
    static Path dir;
    static Hub hub;
    static WebDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        // .ci/run installs Debian's chromium and chromium-driver; a developer without them skips this test.
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (System.getenv("CI") != null) {
            assertTrue(installed, "CI must have /usr/bin/chromium and /usr/bin/chromedriver (.ci/run installs them)");
        }
        assumeTrue(installed, "no /usr/bin/chromium and chromedriver: apt-get install chromium chromium-driver");
        Lake lake = lake(dir.resolve("lake"));
        HubFixture.writeLake(lake, config(), 30, "2026-09-30", "2026-10-31");
        hub = new Hub(lake, config(), HubUsers.read(HubFixture.writeUsers(dir))).start("127.0.0.1", 0, 0.2);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--disable-gpu", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (hub != null) {
            hub.close();
        }
    }

    static void login(String name) {
        browser.get("http://127.0.0.1:" + hub.port() + "/#/login");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("name"))).sendKeys(name);
        browser.findElement(By.id("password")).sendKeys(HubFixture.PASSWORD);
        browser.findElement(By.id("login")).click();
    }

    static void logout() {
        wait.until(ExpectedConditions.elementToBeClickable(By.id("logout"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("name")));
    }

    static void shot(String name) throws Exception {
        File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), SHOTS.resolve("hub-" + name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static List<WebElement> queueRows() {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#queue tbody tr")));
        return browser.findElements(By.cssSelector("#queue tr.row"));
    }

    @Test
    void aHubAnalystReviewsASignalAndACoordinatorApprovesItsForwarding() throws Exception {
        login("rita");
        int all = queueRows().size();
        assertTrue(all > 0);
        shot("1-queue");

        // filter the queue: Hilversum's signals only
        new Select(browser.findElement(By.id("gemeente"))).selectByVisibleText("Hilversum");
        wait.until(d -> d.findElement(By.tagName("h1")).getText().startsWith("Signals") && queueRows().size() < all);
        List<WebElement> rows = queueRows();
        assertTrue(rows.stream().allMatch(r -> r.getText().contains("Hilversum")), "only Hilversum");
        shot("2-queue-filtered");

        // open a signal and read why it fired
        String id = rows.get(0).getAttribute("data-id");
        rows.get(0).click();
        WebElement facts = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("facts")));
        assertTrue(facts.getText().contains("6 residents are registered at this dwelling of 40 m²"), facts.getText());
        assertTrue(browser.findElement(By.tagName("body")).getText().contains("The neighbourhood"));
        shot("3-signal");

        // propose forwarding to the RIEC
        new Select(browser.findElement(By.id("decision-status"))).selectByValue("forward_proposed");
        new Select(browser.findElement(By.id("decision-partner"))).selectByValue("riec");
        browser.findElement(By.id("decision-note")).sendKeys("Six residents on 40 m2; the RIEC knows the owner.");
        browser.findElement(By.id("decide-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("history"), "forward proposed by rita"));
        shot("4-proposed");
        logout();

        // a coordinator, another person, approves it
        login("cora");
        queueRows();
        browser.get("http://127.0.0.1:" + hub.port() + "/#/signal/" + id);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("decision-status")));
        new Select(browser.findElement(By.id("decision-status"))).selectByValue("forwarded");
        browser.findElement(By.id("decide-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("history"), "forwarded by cora"));
        assertEquals("forwarded", browser.findElement(By.id("status")).getText());
        shot("5-forwarded");

        // the map: click a neighbourhood, see its signals
        browser.findElement(By.linkText("Map")).click();
        WebElement area = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#map path[data-code='BU04020101']")));
        shot("6-map");
        new org.openqa.selenium.interactions.Actions(browser).moveToElement(area).click().perform();
        wait.until(d -> !queueRows().isEmpty() && d.findElement(By.id("filters")).getText().contains("BU04020101"));
        assertTrue(queueRows().stream().allMatch(r -> r.getText().contains("Centrum")), "the clicked neighbourhood's signals");
        shot("7-map-to-queue");
        logout();

        // the auditor sees who saw and decided what
        login("aud");
        WebElement access = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("access")));
        wait.until(d -> d.findElement(By.id("access")).getText().contains(id));
        assertTrue(access.getText().contains("rita") && access.getText().contains("cora") && access.getText().contains("view"));
        shot("8-audit");
        browser.findElement(By.linkText("Decisions")).click();
        WebElement review = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("review")));
        assertTrue(review.getText().contains("forwarded") && review.getText().contains("forward proposed"), review.getText());
        assertFalse(browser.findElement(By.tagName("body")).getText().contains("residents are registered"), "no evidence for the auditor");
    }
}
