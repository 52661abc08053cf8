/** Typed ABIs of the Set v2 functions Ballast calls (human-readable, checked against the artifacts by a test). */
import { parseAbi } from 'viem';

export const controllerAbi = parseAbi([
  'constructor(address _feeRecipient)',
  'function initialize(address[] _factories, address[] _modules, address[] _resources, uint256[] _resourceIds)',
  'function isSet(address) view returns (bool)',
  'function isModule(address) view returns (bool)',
]);

export const integrationRegistryAbi = parseAbi([
  'constructor(address _controller)',
  'function addIntegration(address _module, string _id, address _adapter)',
  'function getIntegrationAdapter(address _module, string _id) view returns (address)',
]);

export const setTokenCreatorAbi = parseAbi([
  'constructor(address _controller)',
  'function create(address[] _components, int256[] _units, address[] _modules, address _manager, string _name, string _symbol) returns (address)',
  'event SetTokenCreated(address indexed _setToken, address _manager, string _name, string _symbol)',
]);

export const basicIssuanceModuleAbi = parseAbi([
  'constructor(address _controller)',
  'function initialize(address _setToken, address _preIssueHook)',
  'function issue(address _setToken, uint256 _quantity, address _to)',
  'function redeem(address _setToken, uint256 _quantity, address _to)',
  'function getRequiredComponentUnitsForIssue(address _setToken, uint256 _quantity) view returns (address[], uint256[])',
]);

export const generalIndexModuleAbi = parseAbi([
  'constructor(address _controller, address _weth)',
  'function initialize(address _setToken)',
  'function startRebalance(address _setToken, address[] _newComponents, uint256[] _newComponentsTargetUnits, uint256[] _oldComponentsTargetUnits, uint256 _positionMultiplier)',
  'function trade(address _setToken, address _component, uint256 _ethQuantityLimit)',
  'function setTradeMaximums(address _setToken, address[] _components, uint256[] _tradeMaximums)',
  'function setExchanges(address _setToken, address[] _components, string[] _exchangeNames)',
  'function setCoolOffPeriods(address _setToken, address[] _components, uint256[] _coolOffPeriods)',
  'function setExchangeData(address _setToken, address[] _components, bytes[] _exchangeData)',
  'function setTraderStatus(address _setToken, address[] _traders, bool[] _statuses)',
  'function getComponentTradeQuantityAndDirection(address _setToken, address _component) view returns (bool, uint256)',
  'event TradeExecuted(address indexed _setToken, address indexed _sellComponent, address indexed _buyComponent, address _exchangeAdapter, address _executor, uint256 _netAmountSold, uint256 _netAmountReceived, uint256 _protocolFee)',
]);

export const indexExchangeAdapterAbi = parseAbi(['constructor(address _router)']);

export const setTokenAbi = parseAbi([
  'function getComponents() view returns (address[])',
  'function getDefaultPositionRealUnit(address _component) view returns (int256)',
  'function positionMultiplier() view returns (int256)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address) view returns (uint256)',
  'function manager() view returns (address)',
]);
